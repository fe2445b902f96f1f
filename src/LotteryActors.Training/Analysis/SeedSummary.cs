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

/// <summary>The 0.975 quantile of Student's t distribution: the factor of a two-sided 95% interval.</summary>
public static class StudentT
{
    // t(0.975, df) for df = 1..30, from the standard table (rounded to 4 decimals).
    private static readonly double[] Table =
    [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ];

    public static double Quantile975(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (degreesOfFreedom <= Table.Length)
            return Table[degreesOfFreedom - 1];
        // Beyond the table, the Cornish-Fisher expansion around the normal quantile (error under 1e-4 for df > 30).
        const double z = 1.959964;
        double n = degreesOfFreedom;
        return z + (z * z * z + z) / (4 * n) + (5 * Math.Pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
    }
}
