using System.Buffers.Binary;
using System.IO.Compression;

namespace LotteryActors.Training.Tests.Support;

/// <summary>Writes the IDX format by hand: 00 00 08 rank, big-endian dimensions, then unsigned bytes.</summary>
internal static class IdxBytes
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    public static byte[] Of(int magic, int[] shape, byte[] data)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < shape.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        data.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    public static byte[] Images(int count, int rows, int columns, Func<int, int, byte> pixel) =>
        Of(ImagesMagic, [count, rows, columns],
            Enumerable.Range(0, count * rows * columns).Select(i => pixel(i / (rows * columns), i % (rows * columns))).ToArray());

    public static byte[] Labels(byte[] labels) => Of(LabelsMagic, [labels.Length], labels);

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(raw);
        return output.ToArray();
    }
}
