using LotteryActors.Training.Analysis;

namespace LotteryActors.Cli.Report;

/// <summary>The stated family of headline comparisons, tested at the init level and Holm-adjusted together.</summary>
public static class HeadlineTable
{
    public static ReportTable Build(SearchAnalysis a) => Build(a.Headlines, a.Options.Selection, a.Options.Margin);

    public static ReportTable Build(IReadOnlyList<HeadlineRow> headlines, RunSelection selection, double margin) =>
        new("headlines",
        "Headline family: init-level tests at the headline density, Holm-adjusted over the family",
        ["width", "round", "density", "comparison", "test", "A - B over inits", "cluster bootstrap", "p", "Holm p",
         "verdict"],
        headlines.Select(h => new object?[]
        {
            h.Width, h.Round, h.Density, h.Comparison, h.Test, ComparisonTables.Summary(h.Result.Difference),
            $"[{ReportTable.Display(h.Result.Bootstrap.Lower)}, {ReportTable.Display(h.Result.Bootstrap.Upper)}]",
            h.P, h.HolmP, h.Verdict,
        }).ToList(),
        $"test accuracy of every run at its {Selection(selection)}; each init's units (tickets paired with " +
        "the control trained on their mask, or with the init's dense net) are averaged within it first, so n = inits; " +
        "p of the row's own test: the paired t over init means (difference), or TOST for |A - B| < the margin " +
        $"({margin * 100:0.##} points; equivalence); Holm p adjusts the whole family (every row) for 5% " +
        "family-wise error; the cluster bootstrap resamples whole inits (seeded; with 2-3 inits it has 3-10 distinct " +
        "outcomes and is a check on shape, not a better interval); ensembles are of final weights", Keys: 2);

    private static string Selection(RunSelection selection) => selection == RunSelection.EarlyStopped
        ? "best validation evaluation (early-stopped, the dense baseline's own rule)"
        : "final weights (the dense baseline at its best validation evaluation: an uneven bar)";
}
