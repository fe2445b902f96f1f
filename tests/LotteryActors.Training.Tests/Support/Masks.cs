using LotteryActors.Training.Pruning;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Support;

/// <summary>Hand-written masks and weights: each layer a flat list of values, kept in the order given.</summary>
internal static class Masks
{
    public static Mask Of(params (string Name, float[] Values)[] layers) =>
        new(layers.ToDictionary(l => l.Name, l => tensor(l.Values)));

    public static Dictionary<string, Tensor> Weights(params (string Name, float[] Values)[] layers) =>
        layers.ToDictionary(l => l.Name, l => tensor(l.Values));

    public static float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();

    /// <summary>All ones except zeros at <paramref name="pruned"/>.</summary>
    public static float[] OnesExcept(int count, params int[] pruned) =>
        Enumerable.Range(0, count).Select(i => pruned.Contains(i) ? 0f : 1f).ToArray();

    public static int[] PrunedPositions(Mask mask, string layer) => Positions(mask, layer, 0f);

    public static int[] KeptPositions(Mask mask, string layer) => Positions(mask, layer, 1f);

    private static int[] Positions(Mask mask, string layer, float value) =>
        TensorAssert.Values(mask.Layers[layer]).Select((v, i) => (v, i)).Where(p => p.v == value).Select(p => p.i)
            .ToArray();
}
