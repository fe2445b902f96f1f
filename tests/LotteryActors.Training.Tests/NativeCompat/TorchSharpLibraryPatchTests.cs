using System.Security.Cryptography;
using LotteryActors.Build;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.NativeCompat;

/// <summary>The patch applied to a copy of the real TorchSharp native library from the NuGet cache.</summary>
public sealed class TorchSharpLibraryPatchTests : IDisposable
{
    private const string Gcc13 = "GLIBCXX_3.4.32";

    private static readonly string CachedLibrary = Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Only_the_gcc13_need_changes_and_the_cache_copy_does_not()
    {
        var cacheHash = SHA256.HashData(File.ReadAllBytes(CachedLibrary));
        var original = File.ReadAllBytes(CachedLibrary);
        var copy = temp.Write("libLibTorchSharp.so", original);
        var target = ElfVersionNeeds.NeededVersions(copy).Single(n => n.Version == Gcc13);
        Assert.Equal("libstdc++.so.6", target.Library);
        Assert.False(target.IsWeak);

        Assert.Equal(WeakenResult.Patched, ElfVersionNeeds.WeakenVersionNeed(copy, Gcc13));

        var patched = File.ReadAllBytes(copy);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.InRange((long)i, target.FlagsOffset, target.FlagsOffset + 1));
        Assert.True(ElfVersionNeeds.NeededVersions(copy).Single(n => n.Version == Gcc13).IsWeak);
        Assert.Equal(WeakenResult.AlreadyWeak, ElfVersionNeeds.WeakenVersionNeed(copy, Gcc13));
        Assert.Equal(patched, File.ReadAllBytes(copy));
        Assert.Equal(cacheHash, SHA256.HashData(File.ReadAllBytes(CachedLibrary)));
    }

    [Fact]
    public void A_truncated_copy_is_refused_and_left_as_it_was()
    {
        var half = File.ReadAllBytes(CachedLibrary)[..1_000_000];
        var copy = temp.Write("libLibTorchSharp.so", half);

        var error = Assert.Throws<ElfLayoutException>(() => ElfVersionNeeds.WeakenVersionNeed(copy, Gcc13));

        Assert.Contains("section header table", error.Message);
        Assert.Equal(half, File.ReadAllBytes(copy));
    }
}
