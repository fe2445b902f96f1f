using static TorchSharp.torch;

namespace LotteryActors.Training.Pruning;

/// <summary>
/// How a ticket's round chooses the weights it removes: from the current mask and the weights the round trained, the
/// next mask. A spec names its strategy (<c>pruning.strategy</c>); <see cref="PruningStrategies"/> maps the names to
/// the strategies, as open_lth's <c>pruning/registry.py</c> does. A new strategy is a class and a line there.
/// </summary>
public interface IPruningStrategy
{
    /// <summary>The value of <c>pruning.strategy</c> that selects it. It is part of a spec's canonical form, and so
    /// of every search id that used it: never rename one.</summary>
    string Name { get; }

    /// <summary>The next mask (the caller disposes it); the same mask and weights must always give the same mask,
    /// because a resumed search recomputes nothing it journaled but must end with the same bits.</summary>
    Mask Prune(Mask current, IReadOnlyDictionary<string, Tensor> trained, string outputLayer, PruningRates rates);
}
