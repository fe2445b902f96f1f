using static TorchSharp.torch;

namespace LotteryActors.Training;

/// <summary>Named tensors (weights, masks, inits) are passed around as dictionaries; this frees one in one call.</summary>
public static class TensorDictionary
{
    public static void DisposeAll(this IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values)
            t.Dispose();
    }
}
