using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using static TorchSharp.torch;

namespace LotteryActors.Training.Stability;

/// <summary>
/// One trained network at an end of a line: its parameters (full dictionary, CPU) and the mask it trained under.
/// Owned by whoever made it.
/// </summary>
public sealed record PathEnd(IReadOnlyDictionary<string, Tensor> Weights, Mask Mask);

/// <summary>
/// The straight line between two trained networks of one architecture, evaluated point by point: linear mode
/// connectivity (Frankle et al. 2020). Each end is masked by its own mask before mixing, so for one mask the line
/// stays inside it, and for two masks (two tickets) a weight is non-zero along the line only where either mask keeps
/// it: inside their union, shrinking linearly to 0 towards the end whose mask prunes it. The models have no
/// BatchNorm (LeNet-300-100 and Conv-2/4/6 as Frankle &amp; Carbin define them), so no running statistics need
/// recomputing at the mixed points: the parameters are the whole network.
/// </summary>
public static class LinearPath
{
    /// <summary>
    /// (1 - alpha) (m1 * w1) + alpha (m2 * w2) for every prunable weight, (1 - alpha) b1 + alpha b2 for every other
    /// tensor; a new dictionary owned by the caller.
    /// </summary>
    public static Dictionary<string, Tensor> At(PathEnd first, PathEnd second, double alpha)
    {
        if (!first.Weights.Keys.ToHashSet().SetEquals(second.Weights.Keys))
            throw new ArgumentException("the two ends hold different tensors", nameof(second));
        using var _ = no_grad();
        return first.Weights.ToDictionary(p => p.Key, p =>
        {
            using var scope = NewDisposeScope();
            var a = Masked(p.Value, first.Mask, p.Key);
            var b = Masked(second.Weights[p.Key], second.Mask, p.Key);
            // Written as the mix itself, so alpha = 0 and alpha = 1 reproduce the ends exactly: the line's ends are
            // then the trained networks, with the errors their training measured.
            var mixed = a * (1 - alpha) + b * alpha;
            if (first.Mask.Layers.TryGetValue(p.Key, out var m1) && second.Mask.Layers.TryGetValue(p.Key, out var m2))
                // Pruned by both: 0 on both sides already; +0.0 here whatever the signs, as Mask.ZeroPruned keeps it.
                Mask.ZeroPruned(mixed, m1.logical_or(m2));
            return mixed.MoveToOuterDisposeScope();
        });
    }

    /// <summary>
    /// Errors (1 - accuracy) on the validation and the test split at each of <paramref name="alphas"/>, with their
    /// barriers. <paramref name="network"/>'s parameters are overwritten. Test is measured and reported beside
    /// validation, never used to choose anything.
    /// </summary>
    public static (BarrierCurve Validation, BarrierCurve Test) Measure(PrunableNetwork network, DatasetSplits data,
        PathEnd first, PathEnd second, IReadOnlyList<double> alphas)
    {
        var validation = new List<double>();
        var test = new List<double>();
        foreach (var alpha in alphas)
        {
            var weights = At(first, second, alpha);
            try
            {
                network.LoadState(weights);
            }
            finally
            {
                weights.DisposeAll();
            }
            validation.Add(1 - Evaluator.Evaluate(network, data.Validation).Accuracy);
            test.Add(1 - Evaluator.Evaluate(network, data.Test).Accuracy);
        }
        return (ErrorBarrier.Of(alphas, validation), ErrorBarrier.Of(alphas, test));
    }

    private static Tensor Masked(Tensor weight, Mask mask, string name)
    {
        var copy = weight.clone();
        return mask.Layers.TryGetValue(name, out var layer) ? Mask.ZeroPruned(copy, layer) : copy;
    }
}
