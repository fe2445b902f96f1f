using LotteryActors.Training.Pruning;
using static TorchSharp.torch;

namespace LotteryActors.Training.Analysis;

/// <summary>Jaccard similarity of two masks' kept weights, over all prunable weights and layer by layer.</summary>
public sealed record MaskJaccard(double Overall, IReadOnlyDictionary<string, double> PerLayer);

/// <summary>
/// How much two tickets agree on which weights to keep: |kept in both| / |kept in either|. Two masks that keep
/// nothing in a layer keep the same (empty) set there, so that layer scores 1.
/// </summary>
public static class MaskOverlap
{
    public static MaskJaccard Jaccard(Mask a, Mask b)
    {
        if (!a.Layers.Keys.ToHashSet().SetEquals(b.Layers.Keys))
            throw new ArgumentException("masks cover different layers", nameof(b));
        var perLayer = new Dictionary<string, double>();
        long bothTotal = 0, eitherTotal = 0;
        foreach (var (name, layerA) in a.Layers)
        {
            var layerB = b.Layers[name];
            // Broadcasting would silently compare masks of different shapes; they belong to different networks.
            if (!layerA.shape.SequenceEqual(layerB.shape))
                throw new ArgumentException($"layer '{name}' has shapes [{string.Join(",", layerA.shape)}] and [{string.Join(",", layerB.shape)}]", nameof(b));
            using var scope = NewDisposeScope();
            var keptA = layerA.ne(0);
            var keptB = layerB.ne(0);
            var both = keptA.logical_and(keptB).count_nonzero().item<long>();
            var either = keptA.logical_or(keptB).count_nonzero().item<long>();
            perLayer[name] = Ratio(both, either);
            bothTotal += both;
            eitherTotal += either;
        }
        return new MaskJaccard(Ratio(bothTotal, eitherTotal), perLayer);
    }

    /// <summary>
    /// The Jaccard two independent uniformly random masks at density d have by chance, d / (2 - d): they share
    /// d^2 of the weights in expectation and keep 2d - d^2 between them. (Exactly the ratio of the expectations;
    /// for the hundreds of thousands of weights of a layer, the expectation of the ratio is the same to 1e-4.)
    /// </summary>
    public static double ChanceJaccard(double density) => density / (2 - density);

    /// <summary>
    /// The chance Jaccard of random masks with the same per-layer densities as <paramref name="a"/> and
    /// <paramref name="b"/>: sum over layers of n d_a d_b over sum of n (d_a + d_b - d_a d_b). Layer-wise pruning
    /// keeps the output layer denser than the rest, which this counts and d / (2 - d) at the overall density does
    /// not; with one density d everywhere in both masks it is d / (2 - d).
    /// </summary>
    public static double ChanceJaccard(Mask a, Mask b)
    {
        double both = 0, either = 0;
        foreach (var name in a.Layers.Keys)
        {
            var n = (double)a.Total(name);
            var (da, db) = (a.Kept(name) / n, b.Kept(name) / n);
            both += n * da * db;
            either += n * (da + db - da * db);
        }
        return either == 0 ? 1.0 : both / either;
    }

    /// <summary>Overall Jaccard of every pair; symmetric with ones on the diagonal.</summary>
    public static double[,] PairwiseJaccard(IReadOnlyList<Mask> masks) =>
        PairwiseMatrix.Symmetric(masks.Count, (i, j) => Jaccard(masks[i], masks[j]).Overall);

    private static double Ratio(long both, long either) => either == 0 ? 1.0 : (double)both / either;
}
