using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Support;

/// <summary>
/// What two code paths that train the same work unit from the same inputs (the stacked engine's batched GEMMs and
/// a unit trained alone) promise each other on every x86-64 CPU: the same iterations and early-stop point,
/// accuracies equal, losses and weights within float tolerance, and the same next mask except where a weight's
/// magnitude lies at the pruning threshold. The arithmetic differs in rounding from one CPU's kernels to another's
/// (AVX-512 or AVX2, MKL's or oneDNN's blocking), so a weight within rounding of the threshold may land on either
/// side of it: that is a near-tie, not a bug. Bits are promised only along one code path (same engine, same threads,
/// a resumed run), and chained rounds legitimately part once a mask differs, so compare unit by unit.
/// </summary>
internal static class EngineAgreement
{
    public const double WeightTolerance = 1e-4;

    /// <summary>
    /// Asserts the agreement above between <paramref name="alone"/> and <paramref name="other"/>, trained from the
    /// same unit; returns the largest weight difference and how many next-mask entries fell the other way.
    /// </summary>
    public static (double Largest, int NearTies) Assert(ArtifactStore store, PruningSpec pruning, RunResult alone,
        RunResult other)
    {
        Xunit.Assert.Equal(alone.Unit, other.Unit);
        Xunit.Assert.Equal((alone.Density, alone.Control), (other.Density, other.Control));
        var (m, n) = (alone.Metrics, other.Metrics);
        Xunit.Assert.Equal((m.Iterations, m.EarlyStopIteration), (n.Iterations, n.EarlyStopIteration));
        // Accuracies count argmaxes: a logit margin within rounding is far rarer than a weight at a threshold
        // (a few hundred examples against tens of thousands of weights), so they stay equal.
        Xunit.Assert.True(new[] { (m.ValidationAccuracy, n.ValidationAccuracy), (m.TestAccuracy, n.TestAccuracy),
                (m.BestValidationAccuracy, n.BestValidationAccuracy),
                (m.TestAccuracyAtEarlyStop, n.TestAccuracyAtEarlyStop) }.All(p => Math.Abs(p.Item1 - p.Item2) < 1e-9),
            $"{alone.Unit}: accuracies differ, alone {m}, other {n}");
        Xunit.Assert.Equal(m.ValidationLoss, n.ValidationLoss, 1e-4);
        Xunit.Assert.Equal(m.TrainLoss, n.TrainLoss, 1e-4);
        var largest = TensorAssert.LargestDifference(store, alone.WeightsHash, other.WeightsHash);
        Xunit.Assert.Equal(alone.RewindHash is null, other.RewindHash is null);
        if (alone.RewindHash is not null)
            largest = Math.Max(largest, TensorAssert.LargestDifference(store, alone.RewindHash, other.RewindHash!));
        Xunit.Assert.InRange(largest, 0, WeightTolerance);
        Xunit.Assert.Equal(alone.NextMaskHash is null, other.NextMaskHash is null);
        var nearTies = alone.NextMaskHash is null || alone.NextMaskHash == other.NextMaskHash
            ? 0
            : AssertNearTies(store, pruning, alone, other.NextMaskHash!, largest);
        return (largest, nearTies);
    }

    /// <summary>
    /// Asserts that every entry where the next masks differ is a near-tie of <paramref name="alone"/>'s pruning:
    /// layer-wise pruning removes a layer's k smallest magnitudes, and moving every weight by at most d moves the
    /// k-th smallest by at most d, so an entry one run prunes and the other keeps lies within 2d of the layer's
    /// threshold in either run's weights. Returns the count of such entries.
    /// </summary>
    private static int AssertNearTies(ArtifactStore store, PruningSpec pruning, RunResult alone, string otherNext,
        double largest)
    {
        Xunit.Assert.True(pruning.Strategy == PruningStrategies.LayerWise.Name,
            "near-ties are measured against each layer's own threshold: a layer-wise spec");
        // Float rounding of |w| itself, on top of the provable 2d.
        var band = 2 * largest + 1e-7;
        var current = store.Get(alone.Unit.MaskHash);
        var weights = store.Get(alone.WeightsHash);
        var next = store.Get(alone.NextMaskHash!);
        var other = store.Get(otherNext);
        try
        {
            var differing = 0;
            foreach (var layer in current.Keys)
            {
                var magnitude = TensorAssert.Values(weights[layer]).Select(Math.Abs).ToArray();
                var (alive, kept, keptElsewhere) = (Flags(current[layer]), Flags(next[layer]), Flags(other[layer]));
                var prunedNow = Enumerable.Range(0, magnitude.Length).Where(i => alive[i] && !kept[i]).ToList();
                var largestPruned = prunedNow.Count == 0 ? 0f : prunedNow.Max(i => magnitude[i]);
                var smallestKept = Enumerable.Range(0, magnitude.Length).Where(i => kept[i])
                    .Select(i => magnitude[i]).DefaultIfEmpty(float.PositiveInfinity).Min();
                foreach (var i in Enumerable.Range(0, magnitude.Length).Where(i => kept[i] != keptElsewhere[i]))
                {
                    var distance = kept[i] ? magnitude[i] - smallestKept : largestPruned - magnitude[i];
                    Xunit.Assert.True(distance <= band, $"{alone.Unit}: {layer}[{i}] (|w| = {magnitude[i]:E3}) is " +
                        $"{distance:E2} from the threshold ({largestPruned:E3}..{smallestKept:E3}), beyond {band:E2}");
                    differing++;
                }
            }
            return differing;
        }
        finally
        {
            foreach (var set in new[] { current, weights, next, other })
                TensorAssert.DisposeAll(set);
        }
    }

    private static bool[] Flags(Tensor mask)
    {
        using var asFloat = mask.to(ScalarType.Float32);
        return TensorAssert.Values(asFloat).Select(v => v != 0).ToArray();
    }
}
