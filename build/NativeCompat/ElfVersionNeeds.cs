// Compiled twice: by MSBuild's RoslynCodeTaskFactory (against netstandard2.0, hence no Span,
// BinaryPrimitives or File.Move overwrite) and, with LOTTERY_ELF_READER_ONLY, into the tests.
#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace LotteryActors.Build
{
    public enum WeakenResult
    {
        Patched,
        AlreadyWeak,
        NotNeeded,
    }

    /// <summary>The file is not laid out the way the patcher expects, so it was left untouched.</summary>
    public sealed class ElfLayoutException : Exception
    {
        public ElfLayoutException(string message) : base(message) { }
    }

    /// <summary>One Vernaux entry: a version the object needs from one of its DT_NEEDED libraries.</summary>
    public sealed class VersionNeed
    {
        public VersionNeed(string library, string version, ushort flags, ushort index, long flagsOffset)
        {
            Library = library;
            Version = version;
            Flags = flags;
            Index = index;
            FlagsOffset = flagsOffset;
        }

        public string Library { get; }
        public string Version { get; }
        public ushort Flags { get; }

        /// <summary>vna_other: the value .gnu.version stores for symbols bound at this version.</summary>
        public ushort Index { get; }

        /// <summary>File offset of vna_flags.</summary>
        public long FlagsOffset { get; }

        public bool IsWeak => (Flags & ElfVersionNeeds.VerFlgWeak) != 0;
    }

    public static class ElfVersionNeeds
    {
        public const ushort VerFlgWeak = 0x2;

        private static readonly string[] KnownLibstdcxxPaths =
        {
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        };

        public static IReadOnlyList<VersionNeed> NeededVersions(string path) =>
            ElfImage.Parse(path, File.ReadAllBytes(path)).VersionNeeds();

        public static IReadOnlyList<string> DefinedVersions(string path) =>
            ElfImage.Parse(path, File.ReadAllBytes(path)).VersionDefinitions();

        public static bool HostLacksVersion(string libstdcxxPath, string version) =>
            !DefinedVersions(libstdcxxPath).Contains(version);

        /// <summary>The system libstdc++ (multiarch paths, else ldconfig's cache), or null when there is none.</summary>
        public static string? FindHostLibstdcxx()
        {
            foreach (var candidate in KnownLibstdcxxPaths)
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return FindLibstdcxxInLdconfigCache();
        }

        /// <summary>
        /// Marks the need for <paramref name="version"/> as weak so a loader whose libraries lack it
        /// treats that as non-fatal. Only safe because no relocation binds a symbol at that version:
        /// that is checked, and the file is refused otherwise.
        /// </summary>
        public static WeakenResult WeakenVersionNeed(string path, string version)
        {
            var image = ElfImage.Parse(path, File.ReadAllBytes(path));
            var matches = image.VersionNeeds().Where(n => n.Version == version).ToList();
            if (matches.Count == 0)
            {
                return WeakenResult.NotNeeded;
            }

            if (matches.Count > 1)
            {
                throw image.Refuse($"{version} is needed by {matches.Count} Vernaux entries; expected one");
            }

            var need = matches[0];
            if (need.IsWeak)
            {
                return WeakenResult.AlreadyWeak;
            }

            var bound = image.CountRelocationsAtVersionIndex(need.Index);
            if (bound > 0)
            {
                throw image.Refuse(
                    $"{bound} relocation(s) bind symbols at {version}; weakening would turn a load error into a crash");
            }

            RewriteFlags(path, need, (ushort)(need.Flags | VerFlgWeak));
            return WeakenResult.Patched;
        }

        // Patching a copy and renaming it over the original gives the output a fresh inode, so a hard
        // link or symlink into the NuGet cache is replaced rather than written through.
        private static void RewriteFlags(string path, VersionNeed need, ushort newFlags)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            var lastWrite = File.GetLastWriteTimeUtc(path);
            try
            {
                // File.Copy keeps the mode bits, which writing fresh bytes would not.
                File.Copy(path, temp);
                using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
                {
                    stream.Position = need.FlagsOffset;
                    var current = stream.ReadByte() | (stream.ReadByte() << 8);
                    if (current != need.Flags)
                    {
                        throw new ElfLayoutException($"Refusing to patch {path}: it changed while being read");
                    }

                    stream.Position = need.FlagsOffset;
                    stream.WriteByte((byte)newFlags);
                    stream.WriteByte((byte)(newFlags >> 8));
                }

                // Same size and timestamp as the package's copy, so MSBuild's incremental Copy
                // (SkipUnchangedFiles) keeps the patched file instead of re-copying and re-patching.
                File.SetLastWriteTimeUtc(temp, lastWrite);

                // On Unix this is rename(2); File.Move with overwrite is missing from netstandard2.0.
                File.Replace(temp, path, null);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }

        private static string? FindLibstdcxxInLdconfigCache()
        {
            // ldconfig lives in /sbin, which is not on a normal user's PATH on Debian.
            foreach (var ldconfig in new[] { "/sbin/ldconfig", "ldconfig" })
            {
                var output = TryRun(ldconfig, "-p");
                if (output == null)
                {
                    continue;
                }

                // Lines look like: "\tlibstdc++.so.6 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libstdc++.so.6"
                foreach (var line in output.Split('\n'))
                {
                    var trimmed = line.Trim();
                    var arrow = trimmed.IndexOf(" => ", StringComparison.Ordinal);
                    if (arrow > 0 && trimmed.StartsWith("libstdc++.so.6 ", StringComparison.Ordinal)
                        && trimmed.IndexOf("x86-64", 0, arrow, StringComparison.Ordinal) >= 0)
                    {
                        return trimmed.Substring(arrow + 4);
                    }
                }

                return null;
            }

            return null;
        }

        private static string? TryRun(string fileName, string arguments)
        {
            try
            {
                var start = new ProcessStartInfo(fileName, arguments)
                {
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                };
                using (var process = Process.Start(start))
                {
                    if (process == null)
                    {
                        return null;
                    }

                    var output = process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    return process.ExitCode == 0 ? output : null;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }
    }
}

namespace LotteryActors.Build
{
    /// <summary>
    /// Bounds-checked reader over the section headers and symbol-versioning sections of an ELF64
    /// little-endian file. Anything it does not expect is refused rather than guessed at.
    /// </summary>
    internal sealed class ElfImage
    {
        private const uint ShtStrtab = 3;
        private const uint ShtRela = 4;
        private const uint ShtRel = 9;
        private const uint ShtDynsym = 11;
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;
        private const ushort VerFlgBase = 0x1;
        private const ushort VersymHidden = 0x8000;

        private const int ElfHeaderSize = 64;
        private const int SectionHeaderSize = 64;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;
        private const int VerdefSize = 20;
        private const int VerdauxSize = 8;
        private const int RelSize = 16;
        private const int RelaSize = 24;

        private readonly string path;
        private readonly byte[] bytes;
        private readonly Section[] sections;

        private ElfImage(string path, byte[] bytes)
        {
            this.path = path;
            this.bytes = bytes;
            sections = ReadSectionHeaders();
        }

        public static ElfImage Parse(string path, byte[] bytes) => new ElfImage(path, bytes);

        public ElfLayoutException Refuse(string reason) =>
            new ElfLayoutException($"Unexpected ELF layout in {path}: {reason}. The file was left untouched.");

        public IReadOnlyList<VersionNeed> VersionNeeds()
        {
            var needs = new List<VersionNeed>();
            var verneed = SingleSection(ShtGnuVerneed, ".gnu.version_r");
            if (verneed == null)
            {
                return needs;
            }

            RequireEntryCount(verneed, ".gnu.version_r");
            var strings = StringTableOf(verneed);
            long entry = verneed.Offset;
            for (uint i = 0; i < verneed.Info; i++)
            {
                RequireInside(verneed, entry, VerneedSize, "a Verneed entry");
                if (ReadU16(entry) != 1)
                {
                    throw Refuse($"Verneed entry at 0x{entry:x} has vn_version {ReadU16(entry)}, expected 1");
                }

                var auxCount = ReadU16(entry + 2);
                var library = StringAt(strings, ReadU32(entry + 4));
                long aux = entry + ReadU32(entry + 8);
                for (var j = 0; j < auxCount; j++)
                {
                    RequireInside(verneed, aux, VernauxSize, "a Vernaux entry");
                    var version = StringAt(strings, ReadU32(aux + 8));
                    needs.Add(new VersionNeed(library, version, ReadU16(aux + 4), ReadU16(aux + 6), aux + 4));
                    aux += NextLink(ReadU32(aux + 12), j == auxCount - 1, $"Vernaux chain of {library}");
                }

                entry += NextLink(ReadU32(entry + 12), i == verneed.Info - 1, "Verneed chain");
            }

            return needs;
        }

        public IReadOnlyList<string> VersionDefinitions()
        {
            var names = new List<string>();
            var verdef = SingleSection(ShtGnuVerdef, ".gnu.version_d");
            if (verdef == null)
            {
                return names;
            }

            RequireEntryCount(verdef, ".gnu.version_d");
            var strings = StringTableOf(verdef);
            long entry = verdef.Offset;
            for (uint i = 0; i < verdef.Info; i++)
            {
                RequireInside(verdef, entry, VerdefSize, "a Verdef entry");
                if (ReadU16(entry) != 1)
                {
                    throw Refuse($"Verdef entry at 0x{entry:x} has vd_version {ReadU16(entry)}, expected 1");
                }

                // The base entry names the file itself (its soname), not a version.
                var isBase = (ReadU16(entry + 2) & VerFlgBase) != 0;
                if (!isBase && ReadU16(entry + 6) > 0)
                {
                    long aux = entry + ReadU32(entry + 12);
                    RequireInside(verdef, aux, VerdauxSize, "a Verdaux entry");
                    names.Add(StringAt(strings, ReadU32(aux)));
                }

                entry += NextLink(ReadU32(entry + 16), i == verdef.Info - 1, "Verdef chain");
            }

            return names;
        }

        /// <summary>How many dynamic relocations refer to a symbol whose .gnu.version entry is <paramref name="versionIndex"/>.</summary>
        public int CountRelocationsAtVersionIndex(ushort versionIndex)
        {
            var versym = SingleSection(ShtGnuVersym, ".gnu.version");
            if (versym == null)
            {
                return 0;
            }

            var dynsym = LinkedSection(versym, ShtDynsym, "a dynamic symbol table");
            var symbolCount = versym.Size / 2;
            var count = 0;
            foreach (var relocations in sections)
            {
                var isRela = relocations.Type == ShtRela;
                if ((!isRela && relocations.Type != ShtRel) || relocations.Link != dynsym.Index)
                {
                    continue;
                }

                var entrySize = isRela ? RelaSize : RelSize;
                if (relocations.EntrySize != entrySize || relocations.Size % entrySize != 0)
                {
                    throw Refuse($"relocation section {relocations.Index} has entries of {relocations.EntrySize} bytes, expected {entrySize}");
                }

                RequireInside(relocations, relocations.Offset, relocations.Size, "relocations");
                for (var entry = relocations.Offset; entry < relocations.Offset + relocations.Size; entry += entrySize)
                {
                    var symbol = ReadU64(entry + 8) >> 32;
                    if (symbol == 0)
                    {
                        continue;
                    }

                    if ((long)symbol >= symbolCount)
                    {
                        throw Refuse($"relocation at 0x{entry:x} names symbol {symbol}, past the {symbolCount} in .gnu.version");
                    }

                    var symbolVersion = ReadU16(versym.Offset + 2 * (long)symbol) & ~VersymHidden;
                    if (symbolVersion == versionIndex)
                    {
                        count++;
                    }
                }
            }

            return count;
        }

        private Section[] ReadSectionHeaders()
        {
            if (bytes.Length < ElfHeaderSize || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F')
            {
                throw Refuse("not an ELF file");
            }

            if (bytes[4] != 2)
            {
                throw Refuse($"ELF class {bytes[4]}, expected 2 (64-bit)");
            }

            if (bytes[5] != 1)
            {
                throw Refuse($"ELF data encoding {bytes[5]}, expected 1 (little-endian)");
            }

            if (bytes[6] != 1)
            {
                throw Refuse($"ELF version {bytes[6]}, expected 1");
            }

            var tableOffset = ReadU64(40);
            var headerSize = ReadU16(58);
            var count = ReadU16(60);
            if (count == 0 || headerSize != SectionHeaderSize)
            {
                throw Refuse($"{count} section headers of {headerSize} bytes, expected some of {SectionHeaderSize}");
            }

            if (tableOffset > (ulong)bytes.Length || (ulong)bytes.Length - tableOffset < (ulong)count * SectionHeaderSize)
            {
                throw Refuse($"section header table at 0x{tableOffset:x} runs past the end of the {bytes.Length}-byte file");
            }

            var result = new Section[count];
            for (var i = 0; i < count; i++)
            {
                long header = (long)tableOffset + (long)i * SectionHeaderSize;
                result[i] = new Section(
                    index: i,
                    type: ReadU32(header + 4),
                    offset: ReadU64(header + 24),
                    size: ReadU64(header + 32),
                    link: ReadU32(header + 40),
                    info: ReadU32(header + 44),
                    entrySize: ReadU64(header + 56));
            }

            return result;
        }

        private Section? SingleSection(uint type, string name)
        {
            Section? found = null;
            foreach (var section in sections)
            {
                if (section.Type != type)
                {
                    continue;
                }

                if (found != null)
                {
                    throw Refuse($"more than one {name} section");
                }

                found = section;
            }

            if (found != null)
            {
                RequireInFile(found);
            }

            return found;
        }

        // For version sections sh_info is the number of entries, which bounds every chain walk.
        private void RequireEntryCount(Section section, string name)
        {
            if (section.Info == 0 && section.Size != 0)
            {
                throw Refuse($"{name} has sh_info 0 but is not empty");
            }
        }

        private Section StringTableOf(Section section) => LinkedSection(section, ShtStrtab, "a string table");

        private Section LinkedSection(Section section, uint expectedType, string description)
        {
            if (section.Link == 0 || section.Link >= sections.Length || sections[section.Link].Type != expectedType)
            {
                throw Refuse($"sh_link {section.Link} of section {section.Index} does not name {description}");
            }

            var linked = sections[section.Link];
            RequireInFile(linked);
            return linked;
        }

        // Links are relative to the current entry; zero ends a chain, and only the last entry the
        // count promises may end it, so a chain can neither stop early nor run on.
        private long NextLink(uint next, bool isLast, string chain)
        {
            if (isLast != (next == 0))
            {
                throw Refuse($"{chain} {(isLast ? "continues past" : "ends before")} the entry count its header gives");
            }

            return next;
        }

        private string StringAt(Section strings, uint offset)
        {
            if (offset >= strings.Size)
            {
                throw Refuse($"string offset {offset} is outside string table section {strings.Index}");
            }

            var start = strings.Offset + offset;
            var end = Array.IndexOf(bytes, (byte)0, (int)start, (int)(strings.Offset + strings.Size - start));
            if (end < 0)
            {
                throw Refuse($"string at offset {offset} of section {strings.Index} is not NUL-terminated");
            }

            return Encoding.ASCII.GetString(bytes, (int)start, end - (int)start);
        }

        private void RequireInFile(Section section) =>
            RequireInside(section, section.Offset, section.Size, $"section {section.Index}");

        private void RequireInside(Section section, long start, long length, string what)
        {
            var sectionEnd = section.Offset + section.Size;
            if (start < section.Offset || length > sectionEnd - start || sectionEnd > bytes.Length)
            {
                throw Refuse($"{what} at 0x{start:x} lies outside section {section.Index} or the file");
            }
        }

        private ushort ReadU16(long offset)
        {
            RequireReadable(offset, 2);
            return (ushort)(bytes[offset] | bytes[offset + 1] << 8);
        }

        private uint ReadU32(long offset)
        {
            RequireReadable(offset, 4);
            return ReadU16(offset) | (uint)ReadU16(offset + 2) << 16;
        }

        private ulong ReadU64(long offset)
        {
            RequireReadable(offset, 8);
            return ReadU32(offset) | (ulong)ReadU32(offset + 4) << 32;
        }

        private void RequireReadable(long offset, int length)
        {
            if (offset < 0 || offset > bytes.Length - length)
            {
                throw Refuse($"read of {length} bytes at 0x{offset:x} runs past the end of the {bytes.Length}-byte file");
            }
        }

        private sealed class Section
        {
            public Section(int index, uint type, ulong offset, ulong size, uint link, uint info, ulong entrySize)
            {
                Index = index;
                Type = type;
                // Clamped so out-of-range values fail the bounds checks instead of overflowing them.
                Offset = (long)Math.Min(offset, long.MaxValue / 2);
                Size = (long)Math.Min(size, long.MaxValue / 2);
                Link = link;
                Info = info;
                EntrySize = (long)Math.Min(entrySize, int.MaxValue);
            }

            public int Index { get; }
            public uint Type { get; }
            public long Offset { get; }
            public long Size { get; }
            public uint Link { get; }
            public uint Info { get; }
            public long EntrySize { get; }
        }
    }
}

#if !LOTTERY_ELF_READER_ONLY
namespace LotteryActors.Build
{
    using Microsoft.Build.Framework;

    /// <summary>
    /// TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 only for std::ios_base_library_init,
    /// a link-time anchor it never binds. Libstdc++ before GCC 13 lacks that version and glibc refuses
    /// to load the library, so on such hosts the build output's copy gets that one need marked weak.
    /// </summary>
    public sealed class WeakenTorchSharpGlibcxxNeed : Microsoft.Build.Utilities.Task
    {
        private const string Gcc13Version = "GLIBCXX_3.4.32";

        [Required]
        public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

        public override bool Execute()
        {
            // No libstdc++ found means nothing to compare against, so nothing is touched.
            var libstdcxx = Libraries.Length == 0 ? null : ElfVersionNeeds.FindHostLibstdcxx();
            if (libstdcxx == null)
            {
                return true;
            }

            try
            {
                if (!ElfVersionNeeds.HostLacksVersion(libstdcxx, Gcc13Version))
                {
                    return true;
                }

                foreach (var library in Libraries)
                {
                    var path = library.GetMetadata("FullPath");
                    if (ElfVersionNeeds.WeakenVersionNeed(path, Gcc13Version) == WeakenResult.Patched)
                    {
                        Log.LogMessage(
                            MessageImportance.High,
                            $"LotteryActors: weakened {Gcc13Version} need in {path} (host libstdc++ predates GCC 13)");
                    }
                }
            }
            catch (ElfLayoutException refused)
            {
                Log.LogError($"LotteryActors: {refused.Message} TorchSharp will not load on this host.");
            }

            return !Log.HasLoggedErrors;
        }
    }
}
#endif
