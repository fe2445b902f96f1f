using System.Text;

namespace LotteryActors.Training.Tests.NativeCompat;

/// <summary>
/// Hand-assembled ELF64 little-endian shared object holding only what the version patcher reads:
/// .dynstr, .gnu.version_r, and optionally .gnu.version_d and .dynsym/.gnu.version/.rela.dyn.
/// </summary>
internal sealed class SyntheticElf
{
    public const uint ShtGnuVerneed = 0x6ffffffe;

    private const uint ShtStrtab = 3;
    private const uint ShtRela = 4;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const int DynstrIndex = 1;

    private readonly List<(string Library, (string Version, ushort Flags, ushort Index)[] Versions)> needs = [];
    private readonly List<string> definitions = [];
    private readonly List<ushort> relocatedVersionIndices = [];
    private readonly Dictionary<uint, long> sectionHeaderOffsets = [];
    private readonly Dictionary<uint, long> sectionDataOffsets = [];

    public SyntheticElf Needs(string library, params (string Version, ushort Flags, ushort Index)[] versions)
    {
        needs.Add((library, versions));
        return this;
    }

    public SyntheticElf Defines(params string[] versions)
    {
        definitions.AddRange(versions);
        return this;
    }

    /// <summary>Adds a dynamic symbol at this version index and a relocation that binds it.</summary>
    public SyntheticElf RelocatesSymbolAt(ushort versionIndex)
    {
        relocatedVersionIndices.Add(versionIndex);
        return this;
    }

    /// <summary>File offset of the header of the section of that type in the last <see cref="Build"/>.</summary>
    public long SectionHeaderOffset(uint type) => sectionHeaderOffsets[type];

    /// <summary>File offset of the contents of the section of that type in the last <see cref="Build"/>.</summary>
    public long SectionDataOffset(uint type) => sectionDataOffsets[type];

    public byte[] Build()
    {
        var strings = new StringTable();
        var sections = new List<(uint Type, byte[] Data, uint Link, uint Info, ulong EntrySize)>
        {
            (0, [], 0, 0, 0),
            (ShtStrtab, [], 0, 0, 0),
            (ShtGnuVerneed, Verneed(strings), DynstrIndex, (uint)needs.Count, 0),
        };
        if (definitions.Count > 0)
        {
            sections.Add((ShtGnuVerdef, Verdef(strings), DynstrIndex, (uint)definitions.Count + 1, 0));
        }

        if (relocatedVersionIndices.Count > 0)
        {
            var dynsymIndex = (uint)sections.Count;
            sections.Add((ShtDynsym, Dynsym(strings), DynstrIndex, 1, 24));
            sections.Add((ShtGnuVersym, Versym(), dynsymIndex, 0, 2));
            sections.Add((ShtRela, Rela(), dynsymIndex, 0, 24));
        }

        sections[DynstrIndex] = (ShtStrtab, strings.ToArray(), 0, 0, 0);
        return Assemble(sections);
    }

    private byte[] Assemble(List<(uint Type, byte[] Data, uint Link, uint Info, ulong EntrySize)> sections)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(new byte[64]);
        var dataOffsets = new List<long>();
        foreach (var section in sections)
        {
            Align(writer, 8);
            dataOffsets.Add(stream.Position);
            sectionDataOffsets[section.Type] = stream.Position;
            writer.Write(section.Data);
        }

        Align(writer, 8);
        var tableOffset = stream.Position;
        for (var i = 0; i < sections.Count; i++)
        {
            var (type, data, link, info, entrySize) = sections[i];
            sectionHeaderOffsets[type] = stream.Position;
            writer.Write(0u); // sh_name: the patcher finds sections by type, so no .shstrtab
            writer.Write(type);
            writer.Write(type == 0 ? 0ul : 2ul); // SHF_ALLOC
            writer.Write(0ul); // sh_addr
            writer.Write((ulong)dataOffsets[i]);
            writer.Write((ulong)data.Length);
            writer.Write(link);
            writer.Write(info);
            writer.Write(8ul); // sh_addralign
            writer.Write(entrySize);
        }

        stream.Position = 0;
        writer.Write([0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        writer.Write((ushort)3); // ET_DYN
        writer.Write((ushort)62); // EM_X86_64
        writer.Write(1u);
        writer.Write(0ul); // e_entry
        writer.Write(0ul); // e_phoff
        writer.Write((ulong)tableOffset);
        writer.Write(0u); // e_flags
        writer.Write((ushort)64);
        writer.Write((ushort)56);
        writer.Write((ushort)0);
        writer.Write((ushort)64);
        writer.Write((ushort)sections.Count);
        writer.Write((ushort)0);
        writer.Flush();
        return stream.ToArray();
    }

    private byte[] Verneed(StringTable strings)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        for (var i = 0; i < needs.Count; i++)
        {
            var (library, versions) = needs[i];
            writer.Write((ushort)1);
            writer.Write((ushort)versions.Length);
            writer.Write(strings.Add(library));
            writer.Write(16u);
            writer.Write(i == needs.Count - 1 ? 0u : (uint)(16 + 16 * versions.Length));
            for (var j = 0; j < versions.Length; j++)
            {
                writer.Write(0u); // vna_hash: unused by the patcher
                writer.Write(versions[j].Flags);
                writer.Write(versions[j].Index);
                writer.Write(strings.Add(versions[j].Version));
                writer.Write(j == versions.Length - 1 ? 0u : 16u);
            }
        }

        writer.Flush();
        return stream.ToArray();
    }

    private byte[] Verdef(StringTable strings)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        var names = new[] { "libsynthetic.so.1" }.Concat(definitions).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            writer.Write((ushort)1);
            writer.Write(i == 0 ? (ushort)1 : (ushort)0); // VER_FLG_BASE marks the soname entry
            writer.Write((ushort)(i + 1));
            writer.Write((ushort)1);
            writer.Write(0u); // vd_hash
            writer.Write(20u);
            writer.Write(i == names.Count - 1 ? 0u : 28u);
            writer.Write(strings.Add(names[i]));
            writer.Write(0u);
        }

        writer.Flush();
        return stream.ToArray();
    }

    private byte[] Dynsym(StringTable strings)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(new byte[24]);
        for (var i = 0; i < relocatedVersionIndices.Count; i++)
        {
            writer.Write(strings.Add($"imported_{i}"));
            writer.Write((byte)0x12); // STB_GLOBAL, STT_FUNC
            writer.Write((byte)0);
            writer.Write((ushort)0); // SHN_UNDEF
            writer.Write(0ul);
            writer.Write(0ul);
        }

        writer.Flush();
        return stream.ToArray();
    }

    private byte[] Versym()
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write((ushort)0);
        foreach (var index in relocatedVersionIndices)
        {
            writer.Write(index);
        }

        writer.Flush();
        return stream.ToArray();
    }

    private byte[] Rela()
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        for (var symbol = 1ul; symbol <= (ulong)relocatedVersionIndices.Count; symbol++)
        {
            writer.Write(0ul); // r_offset
            writer.Write(symbol << 32 | 7); // R_X86_64_JUMP_SLOT
            writer.Write(0L);
        }

        writer.Flush();
        return stream.ToArray();
    }

    private static void Align(BinaryWriter writer, int alignment)
    {
        while (writer.BaseStream.Position % alignment != 0)
        {
            writer.Write((byte)0);
        }
    }

    private sealed class StringTable
    {
        private readonly MemoryStream bytes = new();

        public StringTable() => bytes.WriteByte(0); // offset 0 is the empty string

        public uint Add(string value)
        {
            var offset = (uint)bytes.Position;
            bytes.Write(Encoding.ASCII.GetBytes(value + "\0"));
            return offset;
        }

        public byte[] ToArray() => bytes.ToArray();
    }
}
