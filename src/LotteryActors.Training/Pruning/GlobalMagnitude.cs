using static TorchSharp.torch;

namespace LotteryActors.Training.Pruning;

/// <summary>Magnitude pruning with the hidden layers pooled: the smallest weights go wherever they are, so layers end
/// at different densities.</summary>
public sealed class GlobalMagnitude : IPruningStrategy
{
    public string Name => "global";

    public Mask Prune(Mask current, IReadOnlyDictionary<string, Tensor> trained, string outputLayer,
        PruningRates rates) =>
        MagnitudePruner.Prune(current, trained, outputLayer, rates, layers => [layers]);
}
