using LotteryActors.Training.Analysis;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Report;

/// <summary>The tables of one search's comparison, in reading order.</summary>
public static class ComparisonTables
{
    public static IReadOnlyList<ReportTable> Build(SearchAnalysis a) =>
    [
        Curves(a), Ensembles(a), Baselines(a), SizeCurves(a), Diversity(a), Pools(a), Census(a),
    ];

    /// <param name="wide">Every column on one line, however wide, instead of panels that fit the console.</param>
    public static void Print(SearchAnalysis a, TextWriter output, bool wide = false)
    {
        output.WriteLine($"search {a.SearchId} ({a.Name})");
        output.WriteLine();
        foreach (var table in Build(a))
            table.WriteText(output, wide ? null : ReportTable.ConsoleWidth);
    }

    private static string Kind(RunKind kind) => SpecNames.Of(kind);

    private static ReportTable Curves(SearchAnalysis a) => new("curves", "Test accuracy against density (mean and standard deviation over tickets)",
        ["width", "kind", "round", "density", "tickets", "mean", "std"],
        a.Curves.Select(c => new object?[] { c.Width, Kind(c.Kind), c.Round, c.Density, c.TestAccuracy.Values.Count, c.TestAccuracy.Mean, c.TestAccuracy.StandardDeviation }).ToList(),
        "accuracy of the final weights of each run on the test split; kinds: ticket, random-reinit, random-mask controls");

    private static ReportTable Ensembles(SearchAnalysis a) => new("ensembles", "Output ensembles of all runs of a kind at one round",
        ["width", "kind", "round", "density", "K", "member mean", "member std", "selected", "logit", "logit lo", "logit hi",
         "prob", "vote", "gain", "gain lo", "gain hi", "verdict", "ECE member", "ECE logit", "ECE prob", "cost member", "cost ensemble"],
        a.Ensembles.Select(e =>
        {
            var logit = e.Method(SearchAnalyzer.LogitAverage);
            var gain = logit.GainOverSelectedMember;
            return new object?[]
            {
                e.Width, Kind(e.Kind), e.Round, e.Density, e.Members, e.MemberTestAccuracy.Mean, e.MemberTestAccuracy.StandardDeviation,
                e.SelectedMemberTestAccuracy, logit.TestAccuracy, logit.Accuracy.Lower, logit.Accuracy.Upper,
                e.Method(SearchAnalyzer.ProbabilityAverage).TestAccuracy, e.Method(SearchAnalyzer.MajorityVote).TestAccuracy,
                gain.Difference.Estimate, gain.Difference.Lower, gain.Difference.Upper, gain.WithinNoise ? "within noise" : gain.Difference.Estimate > 0 ? "gain" : "loss",
                e.MemberMeanCalibrationError, logit.ExpectedCalibrationError, e.Method(SearchAnalyzer.ProbabilityAverage).ExpectedCalibrationError,
                (long)e.MemberCost, (long)e.EnsembleCost,
            };
        }).ToList(),
        "selected = the member with the best validation accuracy; gain = logit-average minus selected, with a 95% paired bootstrap interval over test examples; " +
        "cost = non-zero weights evaluated per example; ECE with 15 bins", Keys: 4);

    private static ReportTable Baselines(SearchAnalysis a) => new("baselines", "Dense net, dense ensemble, and the equal-budget comparison",
        ["width", "K", "dense mean", "dense std", "selected dense", "dense cost", "dense ensemble", "dense ens. cost",
         "K tickets round", "density", "K tickets ensemble", "K tickets cost", "vs dense", "lo", "hi", "verdict"],
        a.Baselines.Select(b => new object?[]
        {
            b.Width, b.Tickets, b.DenseTestAccuracy.Mean, b.DenseTestAccuracy.StandardDeviation,
            b.SelectedDenseTestAccuracy,
            (long)b.DenseCost, b.DenseEnsembleTestAccuracy,
            (long)b.DenseEnsembleCost, b.EqualBudgetRound, b.EqualBudgetDensity, b.EqualBudgetEnsembleTestAccuracy, (long)b.EqualBudgetEnsembleCost,
            b.EqualBudgetGainOverDense.Difference.Estimate, b.EqualBudgetGainOverDense.Difference.Lower, b.EqualBudgetGainOverDense.Difference.Upper,
            b.EqualBudgetGainOverDense.WithinNoise ? "within noise" : b.EqualBudgetGainOverDense.Difference.Estimate > 0 ? "tickets win" : "dense wins",
        }).ToList(),
        "dense ensemble = the K round-0 nets (shared init, each ticket's data order); K tickets = the round whose density is nearest 1/K, " +
        "so their total non-zero weights match one dense net; " +
        "vs dense = K tickets ensemble minus the selected dense net " +
        "(the round-0 net with the best validation accuracy)", Keys: 2);

    private static ReportTable SizeCurves(SearchAnalysis a) => new("size-curves", "Best k-member ensemble, chosen greedily on validation",
        ["width", "round", "density", "k", "members", "validation", "test"],
        a.SizeCurves.SelectMany(s => s.Steps.Select(step => new object?[]
            { s.Width, s.Round, s.Density, step.Size, string.Join(' ', step.Members), step.ValidationAccuracy, step.TestAccuracy })).ToList());

    private static ReportTable Diversity(SearchAnalysis a) => new("diversity", "How different the tickets are (mean over pairs)",
        ["width", "round", "density", "mask Jaccard", "chance", "disagreement", "sym. KL"],
        a.Diversity.Select(d => new object?[]
        {
            d.Width, d.Round, d.Density, d.MeanJaccard, d.MeanChanceJaccard, d.MeanDisagreement, d.MeanSymmetricKl,
        }).ToList(),
        "chance = the Jaccard of two random masks with the same per-layer densities (d / (2 - d) at one density d); " +
        "correlation with the pair's ensemble gain over its mean member, " +
        $"pooled over the {a.CorrelationPairs} pairs of pruned " +
        $"rounds: disagreement {ReportTable.Display(a.DisagreementGainCorrelation)}, mask Jaccard " +
        $"{ReportTable.Display(a.JaccardGainCorrelation)}; mean within one (width, round): disagreement " +
        $"{ReportTable.Display(a.DisagreementGainCorrelationWithinLevels)}, mask Jaccard " +
        $"{ReportTable.Display(a.JaccardGainCorrelationWithinLevels)}");

    private static ReportTable Pools(SearchAnalysis a) => new("pools", "Weight-space ensembles (Lottery Pools): one network each",
        ["width", "round", "density", "pool", "pooled test", "start member", "gain", "member mean", "pooled cost",
         "member cost"],
        a.Pools.Select(p => new object?[]
        {
            p.Width, p.Round, p.Density, p.Pool, p.PooledTestAccuracy.Mean, p.StartMemberTestAccuracy.Mean,
            p.GainOverStartMember, p.MemberTestAccuracy.Mean, (long)p.PooledCost, (long)p.MemberCost,
        }).ToList(),
        "across-tickets interpolates the tickets of one round; adjacent-sparsity interpolates each ticket with its previous (denser) round; " +
        "coefficients chosen on validation; a pool starts from its validation-selected member (start member) " +
        "and gain = pooled minus it, " +
        "0 where no mix helped on validation; cost = non-zero weights of the pooled network", Keys: 4);

    private static ReportTable Census(SearchAnalysis a) => new("census", "Ticket census: distinct winning tickets per width",
        ["width", "dense val.", "dense runs", "epsilon", "candidates", "winners", "distinct", "winner test mean",
         "winner test std"],
        a.Census.Select(c => new object?[]
        {
            c.Width, c.DenseValidationAccuracy, c.DenseRuns, c.Epsilon, c.Candidates, c.Winners, c.Distinct,
            c.WinnerMeanAccuracy, c.WinnerAccuracyStandardDeviation,
        }).ToList(),
        "a winner's validation accuracy (final weights) at the last round with density <= " +
        $"{a.Options.Census.TargetDensity} is " +
        "within epsilon of the mean validation accuracy of the width's dense nets (its own init); epsilon = " +
        (a.Options.Census.Epsilon is { } fixedEpsilon
            ? $"{fixedEpsilon}, as given"
            : "the sample standard deviation of those dense nets' validation accuracies over data-order seeds") +
        $"; winners whose masks have Jaccard >= {a.Options.Census.Tau} count once (two random masks at density " +
        $"{a.Options.Census.TargetDensity} overlap " +
        $"{ReportTable.Display(MaskOverlap.ChanceJaccard(a.Options.Census.TargetDensity))} " +
        "by chance); winner statistics are test accuracies", Keys: 1);
}
