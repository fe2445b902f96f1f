using static TorchSharp.torch;

namespace LotteryActors.Training.Pruning;

/// <summary>Magnitude pruning, each hidden layer on its own: every layer keeps the same share of its weights.
/// </summary>
public sealed class LayerWiseMagnitude : IPruningStrategy
{
    public string Name => "layer-wise";

    public Mask Prune(Mask current, IReadOnlyDictionary<string, Tensor> trained, string outputLayer,
        PruningRates rates) =>
        MagnitudePruner.Prune(current, trained, outputLayer, rates, layers => layers.Select(l => new[] { l }));
}
