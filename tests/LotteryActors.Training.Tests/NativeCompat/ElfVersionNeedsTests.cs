using System.Runtime.Versioning;
using LotteryActors.Build;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.NativeCompat;

public sealed class ElfVersionNeedsTests : IDisposable
{
    private const string Gcc13 = "GLIBCXX_3.4.32";
    private const ushort Gcc13Index = 4;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static SyntheticElf TorchSharpLike() => new SyntheticElf()
        .Needs("libc.so.6", ("GLIBC_2.2.5", 0, 2))
        .Needs("libstdc++.so.6", ("GLIBCXX_3.4.30", 0, 3), (Gcc13, 0, Gcc13Index), ("CXXABI_1.3", 0, 5))
        .RelocatesSymbolAt(3);

    [Fact]
    public void Patching_sets_the_weak_flag_in_exactly_one_two_byte_field()
    {
        var path = temp.Write("lib.so", TorchSharpLike().Build());
        var before = File.ReadAllBytes(path);
        var target = ElfVersionNeeds.NeededVersions(path).Single(n => n.Version == Gcc13);

        Assert.Equal(WeakenResult.Patched, ElfVersionNeeds.WeakenVersionNeed(path, Gcc13));

        var after = File.ReadAllBytes(path);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.InRange((long)i, target.FlagsOffset, target.FlagsOffset + 1));
        var needs = ElfVersionNeeds.NeededVersions(path);
        Assert.Equal(ElfVersionNeeds.VerFlgWeak, needs.Single(n => n.Version == Gcc13).Flags);
        Assert.All(needs.Where(n => n.Version != Gcc13), n => Assert.Equal((ushort)0, n.Flags));
    }

    [Fact]
    public void Second_run_reports_already_weak_and_leaves_the_bytes_alone()
    {
        var path = temp.Write("lib.so", TorchSharpLike().Build());
        ElfVersionNeeds.WeakenVersionNeed(path, Gcc13);
        var once = File.ReadAllBytes(path);

        Assert.Equal(WeakenResult.AlreadyWeak, ElfVersionNeeds.WeakenVersionNeed(path, Gcc13));
        Assert.Equal(once, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_library_without_that_version_is_not_needed_and_untouched()
    {
        var bytes = new SyntheticElf().Needs("libstdc++.so.6", ("GLIBCXX_3.4.30", 0, 2)).Build();
        var path = temp.Write("lib.so", bytes);

        Assert.Equal(WeakenResult.NotNeeded, ElfVersionNeeds.WeakenVersionNeed(path, Gcc13));
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Patching_keeps_mode_and_timestamp_so_incremental_copies_stay_skipped()
    {
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead;
        var path = temp.Write("lib.so", TorchSharpLike().Build());
        File.SetUnixFileMode(path, mode);
        var stamp = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, stamp);

        ElfVersionNeeds.WeakenVersionNeed(path, Gcc13);

        Assert.Equal(mode, File.GetUnixFileMode(path));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Patching_through_a_symlink_replaces_the_link_and_spares_its_target()
    {
        var original = TorchSharpLike().Build();
        var cached = temp.Write("cached.so", original);
        var output = Path.Combine(temp.Path, "output.so");
        File.CreateSymbolicLink(output, cached);

        Assert.Equal(WeakenResult.Patched, ElfVersionNeeds.WeakenVersionNeed(output, Gcc13));

        Assert.Equal(original, File.ReadAllBytes(cached));
        Assert.Null(new FileInfo(output).LinkTarget);
    }

    [Fact]
    public void A_relocation_bound_at_that_version_is_refused()
    {
        var bytes = TorchSharpLike().RelocatesSymbolAt(Gcc13Index).Build();

        var error = AssertRefused(bytes);

        Assert.Contains("1 relocation(s) bind symbols at GLIBCXX_3.4.32", error.Message);
    }

    [Fact]
    public void Garbage_is_refused()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        Assert.Contains("not an ELF file", AssertRefused(garbage).Message);
        Assert.Contains("not an ELF file", AssertRefused([]).Message);
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        var bytes = TorchSharpLike().Build();

        var error = AssertRefused(bytes[..^10]);

        Assert.Contains("section header table", error.Message);
    }

    [Theory]
    [InlineData(4, 1, "expected 2 (64-bit)")]
    [InlineData(5, 2, "expected 1 (little-endian)")]
    public void Other_elf_flavours_are_refused(int identByte, byte value, string expected)
    {
        var bytes = TorchSharpLike().Build();
        bytes[identByte] = value;

        Assert.Contains(expected, AssertRefused(bytes).Message);
    }

    [Fact]
    public void A_section_running_past_the_end_of_the_file_is_refused()
    {
        var elf = TorchSharpLike();
        var bytes = elf.Build();
        WriteU64(bytes, elf.SectionHeaderOffset(SyntheticElf.ShtGnuVerneed) + 32, 1ul << 40);

        Assert.Contains("outside section", AssertRefused(bytes).Message);
    }

    [Fact]
    public void A_link_that_is_not_a_string_table_is_refused()
    {
        var elf = TorchSharpLike();
        var bytes = elf.Build();
        WriteU32(bytes, elf.SectionHeaderOffset(SyntheticElf.ShtGnuVerneed) + 40, 2);

        Assert.Contains("does not name a string table", AssertRefused(bytes).Message);
    }

    [Fact]
    public void A_verneed_chain_that_runs_on_past_its_count_is_refused()
    {
        var elf = TorchSharpLike();
        var bytes = elf.Build();
        var secondVerneed = elf.SectionDataOffset(SyntheticElf.ShtGnuVerneed) + 32;
        WriteU32(bytes, secondVerneed + 12, 16);

        Assert.Contains("Verneed chain continues past", AssertRefused(bytes).Message);
    }

    [Fact]
    public void A_vernaux_link_leaving_the_section_is_refused()
    {
        var elf = TorchSharpLike();
        var bytes = elf.Build();
        var firstAuxOfLibstdcxx = elf.SectionDataOffset(SyntheticElf.ShtGnuVerneed) + 48;
        WriteU32(bytes, firstAuxOfLibstdcxx + 12, 0x10000);

        Assert.Contains("Vernaux entry", AssertRefused(bytes).Message);
    }

    [Fact]
    public void A_version_name_outside_the_string_table_is_refused()
    {
        var elf = TorchSharpLike();
        var bytes = elf.Build();
        var firstAuxOfLibstdcxx = elf.SectionDataOffset(SyntheticElf.ShtGnuVerneed) + 48;
        WriteU32(bytes, firstAuxOfLibstdcxx + 8, 0xffff);

        Assert.Contains("outside string table", AssertRefused(bytes).Message);
    }

    [Fact]
    public void Defined_versions_come_from_verdef_without_the_soname()
    {
        var path = temp.Write("libstdc++.so.6", new SyntheticElf()
            .Needs("libc.so.6", ("GLIBC_2.2.5", 0, 2))
            .Defines("GLIBCXX_3.4", "GLIBCXX_3.4.30")
            .Build());

        Assert.Equal(new[] { "GLIBCXX_3.4", "GLIBCXX_3.4.30" }, ElfVersionNeeds.DefinedVersions(path));
        Assert.True(ElfVersionNeeds.HostLacksVersion(path, Gcc13));
        Assert.False(ElfVersionNeeds.HostLacksVersion(path, "GLIBCXX_3.4.30"));
    }

    [Fact]
    public void The_host_libstdcxx_is_found_and_readable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var libstdcxx = ElfVersionNeeds.FindHostLibstdcxx();

        Assert.NotNull(libstdcxx);
        Assert.Contains("GLIBCXX_3.4", ElfVersionNeeds.DefinedVersions(libstdcxx));
    }

    private ElfLayoutException AssertRefused(byte[] bytes)
    {
        var path = temp.Write($"refused-{Guid.NewGuid():N}.so", bytes);

        var error = Assert.Throws<ElfLayoutException>(() => ElfVersionNeeds.WeakenVersionNeed(path, Gcc13));

        Assert.Contains(path, error.Message);
        Assert.Contains("left untouched", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.DoesNotContain(Directory.GetFiles(temp.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        return error;
    }

    private static void WriteU32(byte[] bytes, long offset, uint value) =>
        BitConverter.GetBytes(value).CopyTo(bytes, offset);

    private static void WriteU64(byte[] bytes, long offset, ulong value) =>
        BitConverter.GetBytes(value).CopyTo(bytes, offset);
}
