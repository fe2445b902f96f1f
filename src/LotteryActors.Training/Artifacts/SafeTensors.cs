using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace LotteryActors.Training.Artifacts;

/// <summary>
/// The safetensors format (8-byte little-endian header length, JSON header, raw little-endian data), so that
/// PyTorch users open our artifacts with <c>safetensors.torch.load_file</c>. Float tensors are stored as F32 and
/// masks as BOOL. Keys are written sorted, so equal tensors always give equal bytes and equal hashes.
/// </summary>
public static class SafeTensors
{
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(metadata.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        var payloads = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var (dtype, bytes) = Encode(tensor);
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            payloads.Add(bytes);
            offset += bytes.Length;
        }
        var json = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;
        using var stream = new MemoryStream();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json);
        for (var i = json.Length; i < padded; i++)
            stream.WriteByte((byte)' ');
        foreach (var p in payloads)
            stream.Write(p);
        return stream.ToArray();
    }

    /// <summary>Parses a safetensors file into CPU tensors owned by the caller; rejects anything malformed.</summary>
    public static Dictionary<string, Tensor> Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
            throw new InvalidDataException("safetensors file is shorter than its 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
            throw new InvalidDataException($"safetensors header claims {headerLength} bytes; the file has {bytes.Length - 8}");
        var header = JsonNode.Parse(bytes.Slice(8, (int)headerLength).ToArray()) as JsonObject
                     ?? throw new InvalidDataException("safetensors header is not a JSON object");
        var data = bytes[(8 + (int)headerLength)..];
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                    continue;
                var (dtype, shape, offsets) = ReadEntry(name, node);
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data.Length)
                    throw new InvalidDataException($"safetensors tensor '{name}' has data offsets outside the file");
                tensors[name] = Decode(dtype, shape, data[(int)offsets[0]..(int)offsets[1]], name);
            }
            return tensors;
        }
        catch
        {
            // A file that fails halfway must not leak the native memory of the tensors decoded before the failure.
            tensors.DisposeAll();
            throw;
        }
    }

    /// <summary>A tensor's header entry; anything but an object with a string dtype and two integer arrays is invalid data.</summary>
    private static (string Dtype, long[] Shape, long[] Offsets) ReadEntry(string name, JsonNode? node)
    {
        try
        {
            return (node?["dtype"]?.GetValue<string>() ?? throw new InvalidOperationException("no dtype"),
                Integers(node["shape"], "shape"), Integers(node["data_offsets"], "data_offsets"));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"safetensors tensor '{name}' has a malformed header entry: {e.Message}");
        }

        static long[] Integers(JsonNode? array, string key) =>
            (array ?? throw new InvalidOperationException($"no {key}")).AsArray()
            .Select(d => d?.GetValue<long>() ?? throw new InvalidOperationException($"null in {key}")).ToArray();
    }

    /// <summary>
    /// Whether a file looks whole without decoding or hashing its data: a parseable header whose tensors each own
    /// exactly the bytes their dtype and shape need, ending exactly where the file ends. This catches a truncated
    /// or extended file and a damaged header; a flipped bit inside the tensor data passes (only hashing sees that).
    /// </summary>
    public static bool HasPlausibleLayout(Stream file)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (file.Length < 8 || file.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            return false;
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(file.Length - 8))
            return false;
        var headerBytes = new byte[headerLength];
        file.ReadExactly(headerBytes);
        try
        {
            if (JsonNode.Parse(headerBytes) is not JsonObject header)
                return false;
            long dataEnd = 0;
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                    continue;
                var (dtype, shape, offsets) = ReadEntry(name, node);
                var width = BytesPerValue(dtype);
                var size = shape.Aggregate(1L, (a, b) => a * b) * width;
                if (width == 0 || offsets.Length != 2 || offsets[0] < 0 || offsets[1] - offsets[0] != size)
                    return false;
                dataEnd = Math.Max(dataEnd, offsets[1]);
            }
            return 8 + (long)headerLength + dataEnd == file.Length;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            return false;
        }
    }

    public static Dictionary<string, string> ReadMetadata(ReadOnlySpan<byte> bytes)
    {
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = JsonNode.Parse(bytes.Slice(8, headerLength).ToArray())!.AsObject();
        return header["__metadata__"] is JsonObject meta
            ? meta.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>())
            : [];
    }

    private static (string Dtype, byte[] Bytes) Encode(Tensor tensor)
    {
        using var cpu = tensor.cpu().contiguous();
        return cpu.dtype switch
        {
            ScalarType.Bool => ("BOOL", cpu.data<bool>().ToArray().Select(b => b ? (byte)1 : (byte)0).ToArray()),
            ScalarType.Float32 => ("F32", MemoryMarshal.AsBytes<float>(cpu.data<float>().ToArray()).ToArray()),
            ScalarType.Int64 => ("I64", MemoryMarshal.AsBytes<long>(cpu.data<long>().ToArray()).ToArray()),
            _ => throw new NotSupportedException($"safetensors writer supports BOOL, F32 and I64, not {cpu.dtype}"),
        };
    }

    /// <summary>Bytes per value of a supported dtype; 0 for any other.</summary>
    private static int BytesPerValue(string dtype) => dtype switch { "BOOL" => 1, "F32" => 4, "I64" => 8, _ => 0 };

    private static Tensor Decode(string dtype, long[] shape, ReadOnlySpan<byte> bytes, string name)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var width = BytesPerValue(dtype);
        if (width == 0)
            throw new InvalidDataException($"safetensors tensor '{name}' has dtype {dtype}; supported: BOOL, F32, I64");
        if (count * width != bytes.Length)
            throw new InvalidDataException($"safetensors tensor '{name}' has {bytes.Length} bytes for {count} {dtype} values");
        return dtype switch
        {
            "BOOL" => tensor(bytes.ToArray().Select(b => b != 0).ToArray(), shape),
            "F32" => tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape),
            _ => tensor(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), shape),
        };
    }
}
