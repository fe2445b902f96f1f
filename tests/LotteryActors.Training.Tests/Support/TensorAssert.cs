using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Support;

internal static class TensorAssert
{
    /// <summary>Same names, shapes, dtypes and bit-for-bit equal values.</summary>
    public static void BitwiseEqual(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            Assert.True(SameBits(tensor, actual[name]), $"tensor '{name}' differs");
    }

    public static bool AnyDiffers(IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b) =>
        a.Any(p => !SameBits(p.Value, b[p.Key]));

    /// <summary>Same shape, dtype and bytes: stricter than == (which equates 0.0 and -0.0).</summary>
    public static bool SameBits(Tensor a, Tensor b)
    {
        using var x = a.detach().cpu().contiguous();
        using var y = b.detach().cpu().contiguous();
        return x.dtype == y.dtype && x.shape.SequenceEqual(y.shape) && x.bytes.SequenceEqual(y.bytes);
    }

    public static float[] Values(Tensor tensor)
    {
        using var flat = tensor.detach().cpu().contiguous().view(-1);
        return flat.data<float>().ToArray();
    }

    public static long[] Longs(Tensor tensor)
    {
        using var flat = tensor.detach().cpu().contiguous().view(-1);
        return flat.data<long>().ToArray();
    }

    public static void DisposeAll(IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values)
            t.Dispose();
    }
}
