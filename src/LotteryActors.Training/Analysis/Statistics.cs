using static TorchSharp.torch;

namespace LotteryActors.Training.Analysis;

/// <summary>A point estimate with a percentile-bootstrap confidence interval.</summary>
public sealed record BootstrapInterval(double Estimate, double Lower, double Upper)
{
    public bool Contains(double value) => Lower <= value && value <= Upper;
}

/// <summary>
/// Accuracy of A minus accuracy of B on the same examples, with its paired-bootstrap interval. The difference is
/// within noise when the interval contains 0.
/// </summary>
public sealed record PairedDifference(BootstrapInterval Difference)
{
    public bool WithinNoise => Difference.Contains(0);
}

/// <summary>
/// Summary statistics for comparing tickets. Test sets are finite, so accuracy gaps under a few tenths of a percent
/// are often noise; the bootstraps resample test examples to say how much.
/// </summary>
public static class Statistics
{
    public const int DefaultResamples = 1000;
    public const double DefaultConfidence = 0.95;

    /// <summary>Arithmetic mean; NaN for no values.</summary>
    public static double Mean(IReadOnlyCollection<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Standard deviation with the n - 1 denominator; NaN for fewer than two values, where it is undefined.</summary>
    public static double SampleStandardDeviation(IReadOnlyCollection<double> values)
    {
        if (values.Count < 2)
            return double.NaN;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>
    /// The standard deviation pooled over groups that share one spread but may differ in mean,
    /// sqrt(sum (n_i - 1) s_i^2 / sum (n_i - 1)), with its degrees of freedom sum (n_i - 1): each group's mean (an
    /// init's offset) drops out, so only the scatter within groups remains. NaN with no degree of freedom.
    /// </summary>
    public static (double StandardDeviation, int DegreesOfFreedom) PooledStandardDeviation(
        IReadOnlyList<IReadOnlyCollection<double>> groups)
    {
        var degrees = groups.Sum(g => Math.Max(g.Count - 1, 0));
        if (degrees == 0)
            return (double.NaN, 0);
        var squares = groups.Where(g => g.Count >= 2).Sum(g =>
        {
            var mean = g.Average();
            return g.Sum(v => (v - mean) * (v - mean));
        });
        return (Math.Sqrt(squares / degrees), degrees);
    }

    /// <summary>
    /// The 95% Wilson score interval for a binomial proportion, successes of trials: unlike the normal
    /// approximation it stays inside [0, 1] and is not empty at 0 or all successes, which small counts of winning
    /// tickets often are. NaN bounds for no trials.
    /// </summary>
    public static (double Lower, double Upper) WilsonInterval(int successes, int trials)
    {
        if (trials == 0)
            return (double.NaN, double.NaN);
        const double z = 1.959964;
        var p = (double)successes / trials;
        var n = (double)trials;
        var centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        var half = z / (1 + z * z / n) * Math.Sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        // At 0 or all successes the bound is 0 or 1 exactly; rounding would leave 1e-16 off it.
        return (successes == 0 ? 0 : centre - half, successes == trials ? 1 : centre + half);
    }

    /// <summary>Per-example correctness of the predicted classes of logits [N, classes] against labels [N].</summary>
    public static bool[] Correct(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return logits.cpu().argmax(1).eq(labels.cpu()).data<bool>().ToArray();
    }

    /// <summary>Accuracy with a percentile-bootstrap interval from resampling the examples with replacement.</summary>
    public static BootstrapInterval AccuracyInterval(IReadOnlyList<bool> correct, int resamples = DefaultResamples,
        int seed = 0, double confidence = DefaultConfidence) =>
        BootstrapMean(correct.Select(c => c ? 1.0 : 0.0).ToArray(), resamples, seed, confidence);

    /// <summary>
    /// Paired bootstrap: each resample draws the same examples for both classifiers, so what they share (the easy
    /// and the hopeless examples) cancels and only their disagreements move the difference.
    /// </summary>
    public static PairedDifference PairedAccuracyDifference(IReadOnlyList<bool> correctA, IReadOnlyList<bool> correctB,
        int resamples = DefaultResamples, int seed = 0, double confidence = DefaultConfidence)
    {
        if (correctA.Count != correctB.Count)
            throw new ArgumentException($"classifiers were scored on {correctA.Count} and {correctB.Count} examples", nameof(correctB));
        var differences = correctA.Zip(correctB, (a, b) => (a ? 1.0 : 0.0) - (b ? 1.0 : 0.0)).ToArray();
        return new PairedDifference(BootstrapMean(differences, resamples, seed, confidence));
    }

    /// <summary>
    /// Value at quantile <paramref name="q"/> of sorted values, interpolating linearly between order statistics
    /// (Hyndman and Fan's type 7, the default of R and NumPy).
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
            throw new ArgumentException("no values", nameof(sorted));
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>Pearson correlation of paired values; NaN with fewer than 3 pairs or a constant side.</summary>
    public static double PearsonCorrelation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count)
            throw new ArgumentException($"{x.Count} x values but {y.Count} y values", nameof(y));
        if (x.Count < 3)
            return double.NaN;
        var (mx, my) = (x.Average(), y.Average());
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Percentile-bootstrap interval of the mean of <paramref name="values"/>, resampled with replacement.</summary>
    internal static BootstrapInterval BootstrapMean(double[] values, int resamples, int seed, double confidence)
    {
        if (values.Length == 0)
            throw new ArgumentException("no examples to resample", nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        if (confidence is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must lie strictly between 0 and 1");
        var random = new Random(seed);
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0.0;
            for (var i = 0; i < values.Length; i++)
                sum += values[random.Next(values.Length)];
            means[r] = sum / values.Length;
        }
        Array.Sort(means);
        var tail = (1 - confidence) / 2;
        return new BootstrapInterval(values.Average(), Quantile(means, tail), Quantile(means, 1 - tail));
    }
}
