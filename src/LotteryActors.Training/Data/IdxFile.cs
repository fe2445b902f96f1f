using System.IO.Compression;

namespace LotteryActors.Training.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (big-endian header, unsigned bytes), gzip-compressed or raw.
/// The magic number tells the element type (0x08 = ubyte) and the number of dimensions.
/// </summary>
public static class IdxFile
{
    public sealed record Contents(int[] Shape, byte[] Data);

    public static Contents Read(string path)
    {
        using var stream = Open(path);
        var shape = ReadShape(stream, path);
        var data = new byte[shape.Aggregate(1L, (n, d) => n * d)];
        ReadExactly(stream, data, path, "data");
        return new Contents(shape, data);
    }

    /// <summary>The shape from the header alone: how many examples a file holds, without reading them.</summary>
    public static int[] ReadShape(string path)
    {
        using var stream = Open(path);
        return ReadShape(stream, path);
    }

    private static Stream Open(string path)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException($"dataset file not found: {path}");
        var file = File.OpenRead(path);
        return IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> head = stackalloc byte[2];
        var n = file.Read(head);
        file.Position = 0;
        return n == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }

    private static int[] ReadShape(Stream stream, string path)
    {
        var header = new byte[4];
        ReadExactly(stream, header, path, "magic number");
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] is < 1 or > 4)
            throw new DatasetFormatException(
                $"{path}: wrong magic number {Convert.ToHexString(header)}; expected 000008 followed by 01..04 (IDX unsigned bytes)");
        var shape = new int[header[3]];
        var dim = new byte[4];
        long count = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            ReadExactly(stream, dim, path, $"dimension {i}");
            shape[i] = (dim[0] << 24) | (dim[1] << 16) | (dim[2] << 8) | dim[3];
            if (shape[i] <= 0)
                throw new DatasetFormatException($"{path}: dimension {i} is {shape[i]}; expected a positive size");
            count *= shape[i];
        }
        if (count > int.MaxValue)
            throw new DatasetFormatException($"{path}: {count} elements is more than one array can hold");
        return shape;
    }

    private static void ReadExactly(Stream stream, byte[] buffer, string path, string what)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new DatasetFormatException($"{path}: truncated while reading the {what}");
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException($"{path}: corrupt gzip stream ({e.Message})");
        }
    }
}
