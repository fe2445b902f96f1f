namespace LotteryActors.Training.Analysis;

/// <summary>
/// A headline number at the level of independent repetitions: mean and sample standard deviation over
/// <paramref name="N"/> values, one per <paramref name="Unit"/> (an independent init, or a data-order seed), with a
/// two-sided 95% Student t interval for the mean, mean +- t(0.975, n - 1) sd / sqrt(n). Unlike the bootstrap over
/// test examples, this interval speaks to another draw of the init or the seed. Its bounds are NaN below two values.
/// </summary>
public sealed record SeedSummary(string Unit, int N, double Mean, double StandardDeviation, double Lower, double Upper)
{
    public static SeedSummary Of(string unit, IReadOnlyList<double> values)
    {
        var mean = Statistics.Mean(values);
        var sd = Statistics.SampleStandardDeviation(values);
        var half = values.Count < 2 ? double.NaN : StudentT.Quantile975(values.Count - 1) * sd / Math.Sqrt(values.Count);
        return new SeedSummary(unit, values.Count, mean, sd, mean - half, mean + half);
    }

    /// <summary>Whether the interval excludes 0 (false when there is no interval).</summary>
    public bool ExcludesZero => Lower > 0 || Upper < 0;
}
