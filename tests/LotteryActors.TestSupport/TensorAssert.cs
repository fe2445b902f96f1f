using LotteryActors.Training.Artifacts;
using static TorchSharp.torch;

namespace LotteryActors.TestSupport;

public static class TensorAssert
{
    /// <summary>Same names, shapes, dtypes and bit-for-bit equal values.</summary>
    public static void BitwiseEqual(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            Assert.True(SameBits(tensor, actual[name]), $"tensor '{name}' differs");
    }

    /// <summary>Same names and shapes, and values within <c>atol + rtol * |expected|</c> of each other: two code
    /// paths that add in different orders. The message names the tensor and its largest difference.</summary>
    public static void Close(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual,
        double rtol, double atol, string label)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            Assert.Equal(tensor.shape, actual[name].shape);
            using var difference = (actual[name] - tensor).abs().max();
            Assert.True(actual[name].allclose(tensor, rtol, atol),
                $"{label}, {name}: largest difference {difference.item<float>()}");
        }
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

    /// <summary>The largest absolute difference between two stored tensor sets with the same names and shapes.
    /// </summary>
    public static double LargestDifference(ArtifactStore store, string expectedHash, string actualHash)
    {
        var expected = store.Get(expectedHash);
        var actual = store.Get(actualHash);
        try
        {
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            return expected.Max(p =>
            {
                using var difference = (p.Value - actual[p.Key]).abs().max();
                return difference.item<float>();
            });
        }
        finally
        {
            DisposeAll(expected);
            DisposeAll(actual);
        }
    }

    public static void DisposeAll(IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values)
            t.Dispose();
    }
}
