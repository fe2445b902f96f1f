using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Artifacts;

public sealed class SafeTensorsTests
{
    private static Dictionary<string, Tensor> ThreeDtypes() => new()
    {
        ["weights"] = tensor(new[] { 1f, -2.5f, 3.25f, 0f, float.Epsilon, -0f }, [2, 3]),
        ["mask"] = tensor(new[] { true, false, true, true }),
        ["counts"] = tensor(new[] { long.MinValue, 0L, long.MaxValue }),
    };

    private static (JsonElement Header, int HeaderLength) ParseHeader(byte[] bytes)
    {
        var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        return (JsonDocument.Parse(bytes.AsMemory(8, length)).RootElement, length);
    }

    private static byte[] WithHeader(string json, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    [Fact]
    public void Round_trips_float_bool_and_long_tensors()
    {
        var tensors = ThreeDtypes();

        var back = SafeTensors.Deserialize(SafeTensors.Serialize(tensors));

        TensorAssert.BitwiseEqual(tensors, back);
        Assert.Equal(ScalarType.Bool, back["mask"].dtype);
        Assert.Equal(ScalarType.Int64, back["counts"].dtype);
        Assert.Equal([2, 3], back["weights"].shape);
        TensorAssert.DisposeAll(tensors);
        TensorAssert.DisposeAll(back);
    }

    [Fact]
    public void Header_is_a_padded_length_prefixed_JSON_object_with_sorted_keys()
    {
        var tensors = ThreeDtypes();

        var bytes = SafeTensors.Serialize(tensors, new Dictionary<string, string> { ["kind"] = "test" });

        var (header, length) = ParseHeader(bytes);
        Assert.Equal(0, length % 8);
        Assert.Equal(["__metadata__", "counts", "mask", "weights"], header.EnumerateObject().Select(p => p.Name));
        Assert.Equal("test", header.GetProperty("__metadata__").GetProperty("kind").GetString());
        Assert.Equal("I64", header.GetProperty("counts").GetProperty("dtype").GetString());
        Assert.Equal("BOOL", header.GetProperty("mask").GetProperty("dtype").GetString());
        Assert.Equal("F32", header.GetProperty("weights").GetProperty("dtype").GetString());
        Assert.Equal([2L, 3L], header.GetProperty("weights").GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([0L, 24L], Offsets(header, "counts"));
        Assert.Equal([24L, 28L], Offsets(header, "mask"));
        Assert.Equal([28L, 52L], Offsets(header, "weights"));
        Assert.Equal(8 + length + 52, bytes.Length);
        TensorAssert.DisposeAll(tensors);
    }

    [Fact]
    public void Data_is_raw_little_endian_in_key_order()
    {
        var tensors = new Dictionary<string, Tensor> { ["b"] = tensor(new[] { 1f }), ["a"] = tensor(new[] { 2L }) };

        var bytes = SafeTensors.Serialize(tensors);

        var data = bytes[(8 + ParseHeader(bytes).HeaderLength)..];
        Assert.Equal([2, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x80, 0x3F], data);
        TensorAssert.DisposeAll(tensors);
    }

    [Fact]
    public void Insertion_order_does_not_change_the_bytes()
    {
        var forward = ThreeDtypes();
        var reversed = forward.Reverse().ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal(SafeTensors.Serialize(forward), SafeTensors.Serialize(reversed));
        TensorAssert.DisposeAll(forward);
    }

    [Fact]
    public void Metadata_reads_back_and_is_absent_when_none_was_given()
    {
        using var one = tensor(new[] { 1f });
        var tensors = new Dictionary<string, Tensor> { ["x"] = one };

        var metadata = SafeTensors.ReadMetadata(SafeTensors.Serialize(tensors, new Dictionary<string, string> { ["kind"] = "mask", ["a"] = "b" }));

        Assert.Equal(new Dictionary<string, string> { ["a"] = "b", ["kind"] = "mask" }, metadata);
        Assert.Empty(SafeTensors.ReadMetadata(SafeTensors.Serialize(tensors)));
    }

    [Fact]
    public void Refuses_dtypes_it_cannot_write()
    {
        using var doubles = tensor(new[] { 1.0 });

        Assert.Throws<NotSupportedException>(() => SafeTensors.Serialize(new Dictionary<string, Tensor> { ["x"] = doubles }));
    }

    [Fact]
    public void Refuses_a_file_shorter_than_its_length_prefix()
    {
        Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(new byte[7]));
    }

    [Fact]
    public void Refuses_a_header_longer_than_the_file()
    {
        var bytes = WithHeader("{}", []);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);

        Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(bytes));
    }

    [Theory]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}""")]
    [InlineData("""{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,4]}}""")]
    [InlineData("""{"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""")]
    public void Refuses_tensors_whose_bytes_do_not_match_the_header(string header)
    {
        Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(WithHeader(header, new byte[8])));
    }

    [Theory]
    [InlineData("""{"x":5}""")]
    [InlineData("""{"x":{"shape":[1],"data_offsets":[0,4]}}""")]
    [InlineData("""{"x":{"dtype":"F32","data_offsets":[0,4]}}""")]
    [InlineData("""{"x":{"dtype":7,"shape":[1],"data_offsets":[0,4]}}""")]
    [InlineData("""[1,2]""")]
    public void Refuses_a_malformed_header_as_invalid_data(string header)
    {
        Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(WithHeader(header, new byte[8])));
    }

    private static long[] Offsets(JsonElement header, string name) =>
        header.GetProperty(name).GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
}
