namespace LotteryActors.Training.Analysis;

/// <summary>
/// A difference A - B summarised at the level of independent inits. <paramref name="ByInit"/> holds, per init, the
/// differences of its units (tickets paired with what they are compared with, or one value per init); the init's
/// mean is its one observation, so tickets that share an init are never counted as independent.
/// <paramref name="Difference"/> is the paired t summary over init means, <paramref name="TwoSidedP"/> its p-value
/// for "no difference", <paramref name="Bootstrap"/> the seeded cluster bootstrap over inits, and
/// <paramref name="TostP"/> the equivalence test's p-value for |A - B| &lt; <paramref name="Margin"/>. Below two inits
/// there is no spread, and every p-value and interval is NaN.
/// </summary>
public sealed record InitLevelDifference(
    IReadOnlyList<IReadOnlyList<double>> ByInit, SeedSummary Difference, double TwoSidedP, BootstrapInterval Bootstrap,
    double Margin, double TostP);

/// <summary>
/// Inference with the init as the unit of replication: tickets of one init share its draw, so only inits are
/// independent. Pure functions, seeded where they resample, so a report is the same every time it is made.
/// </summary>
public static class InitInference
{
    public static InitLevelDifference Compare(IReadOnlyList<IReadOnlyList<double>> byInit, double margin,
        int resamples = Statistics.DefaultResamples, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        var means = byInit.Select(values => Statistics.Mean(values)).ToList();
        var summary = SeedSummary.Of(SearchAnalyzer.InitUnit, means);
        return new InitLevelDifference(byInit, summary, PairedTwoSidedP(means),
            ClusterBootstrap(byInit, resamples, seed), margin, TostP(means, margin));
    }

    /// <summary>
    /// Two-sided p-value of the one-sample t test of the init means against 0 (the paired t test, each init's
    /// difference taken within it first). NaN below two inits; 0 or 1 when the means do not vary.
    /// </summary>
    public static double PairedTwoSidedP(IReadOnlyList<double> initMeans)
    {
        if (initMeans.Count < 2)
            return double.NaN;
        var (mean, error) = MeanAndError(initMeans);
        if (error == 0)
            return mean == 0 ? 1 : 0;
        var t = Math.Abs(mean / error);
        return 2 * (1 - StudentT.Cdf(t, initMeans.Count - 1));
    }

    /// <summary>
    /// Two one-sided tests (Schuirmann's TOST): the p-value for "the mean difference lies inside (-margin, +margin)",
    /// the larger of the p-values of "mean &lt;= -margin" and "mean &gt;= +margin". Below 0.05 the difference is
    /// shown to be smaller than the margin at the 5% level (the 90% t interval lies inside the margin); an interval
    /// that merely includes 0 shows nothing of the kind. NaN below two inits.
    /// </summary>
    public static double TostP(IReadOnlyList<double> initMeans, double margin)
    {
        if (initMeans.Count < 2)
            return double.NaN;
        var (mean, error) = MeanAndError(initMeans);
        if (error == 0)
            return Math.Abs(mean) < margin ? 0 : 1;
        var df = initMeans.Count - 1;
        var aboveLower = 1 - StudentT.Cdf((mean + margin) / error, df);
        var belowUpper = StudentT.Cdf((mean - margin) / error, df);
        return Math.Max(aboveLower, belowUpper);
    }

    /// <summary>
    /// Percentile interval of the mean over a cluster bootstrap: each resample draws whole inits with replacement
    /// and keeps every value of each drawn init, so values of one init move together as they do in the data. The
    /// statistic is the mean of the drawn inits' means. With few inits it has few distinct outcomes (three for two
    /// inits) and covers less than it claims; the t summary is the primary interval, this one a check on its shape.
    /// NaN bounds below two inits.
    /// </summary>
    public static BootstrapInterval ClusterBootstrap(IReadOnlyList<IReadOnlyList<double>> byInit,
        int resamples = Statistics.DefaultResamples, int seed = 0, double confidence = Statistics.DefaultConfidence)
    {
        var means = byInit.Select(values => Statistics.Mean(values)).ToArray();
        // Resampling the init means is resampling whole inits: each init's values move together.
        return means.Length < 2
            ? new BootstrapInterval(Statistics.Mean(means), double.NaN, double.NaN)
            : Statistics.BootstrapMean(means, resamples, seed, confidence);
    }

    /// <summary>
    /// Holm's step-down adjustment of a family of p-values: sorted ascending, the i-th (from 0) is multiplied by
    /// m - i, and each adjusted value is at least the one before it, capped at 1. Rejecting where the adjusted value
    /// is below alpha keeps the chance of any false rejection in the family at alpha. A NaN (an untestable member)
    /// counts in m, is ranked last and stays NaN.
    /// </summary>
    public static IReadOnlyList<double> Holm(IReadOnlyList<double> pValues)
    {
        var m = pValues.Count;
        var order = Enumerable.Range(0, m)
            .OrderBy(i => double.IsNaN(pValues[i]) ? double.PositiveInfinity : pValues[i]).ToList();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            var p = pValues[order[rank]];
            if (double.IsNaN(p))
            {
                adjusted[order[rank]] = double.NaN;
                continue;
            }
            running = Math.Max(running, Math.Min(1, (m - rank) * p));
            adjusted[order[rank]] = running;
        }
        return adjusted;
    }

    private static (double Mean, double Error) MeanAndError(IReadOnlyList<double> values) =>
        (Statistics.Mean(values), Statistics.SampleStandardDeviation(values) / Math.Sqrt(values.Count));
}
