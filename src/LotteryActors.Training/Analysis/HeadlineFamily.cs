using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Analysis;

/// <summary>
/// One run as the headline family sees it: which init and ticket it belongs to (a control carries the ticket whose
/// mask it was given; a dense baseline the first ticket of its init) and its test accuracy under the analysis's
/// <see cref="RunSelection"/>.
/// </summary>
public sealed record HeadlineRun(int WidthIndex, double Width, int Init, int Ticket, RunKind Kind, int Round,
    double Density, double TestAccuracy);

/// <summary>
/// One comparison of the family before it is tested: per init, the within-init differences A - B of its units.
/// <paramref name="Equivalence"/> says which hypothesis is tested: "A and B are within the margin" (TOST) or
/// "A differs from B" (two-sided paired t).
/// </summary>
public sealed record HeadlineInput(string Comparison, bool Equivalence, int WidthIndex, double Width, int Round,
    double Density, IReadOnlyList<IReadOnlyList<double>> ByInit);

/// <summary>
/// One tested member of the family: its init-level result, the p-value of its own hypothesis, that p-value after
/// Holm's adjustment over the whole family, and the verdict at 5% family-wise error.
/// </summary>
public sealed record HeadlineRow(string Comparison, string Test, int WidthIndex, double Width, int Round,
    double Density, InitLevelDifference Result, double P, double HolmP, string Verdict);

/// <summary>
/// The stated family of headline comparisons, fixed before any run by the code and the headline density
/// (<c>--density</c>, default 0.2): per width, at the pruned round whose ticket density is nearest it,
/// (1) ticket - dense net, an equivalence test (TOST) at <c>--margin</c>; (2) ticket - random re-init and
/// (3) ticket - random mask, two-sided; (4) the within-init ticket ensemble - dense net, two-sided (added by the
/// analyzer, which holds the logits). Every test is at the init level (<see cref="InitInference"/>) and the family
/// is Holm-adjusted together, so a claim survives only if it would at 5% family-wise error.
/// </summary>
public static class HeadlineFamily
{
    public const double Alpha = 0.05;
    public const string TicketMinusDense = "ticket - dense";
    public const string EnsembleMinusDense = "ensemble - dense";
    public const string EquivalenceTest = "equivalence (TOST)";
    public const string DifferenceTest = "difference (paired t)";

    /// <summary>The pruned round of a width whose tickets' mean density is nearest the target (the census's rule).</summary>
    public static int HeadlineRound(IEnumerable<HeadlineRun> widthRuns, double targetDensity) =>
        widthRuns.Where(r => r.Kind == RunKind.Ticket && r.Round > 0).GroupBy(r => r.Round)
            .MinBy(g => Math.Abs(g.Average(r => r.Density) - targetDensity))?.Key ?? -1;

    /// <summary>
    /// Members (1) to (3) of every width, from its runs. The dense net of an init is its converged baseline; without
    /// one, the mean of its tickets' round-0 nets (a weaker bar, named in the comparison). A ticket is paired with
    /// the control trained on its own mask, so what differs between tickets cancels.
    /// </summary>
    public static IReadOnlyList<HeadlineInput> FromRuns(IReadOnlyList<HeadlineRun> runs, double targetDensity) =>
        runs.GroupBy(r => r.WidthIndex).OrderBy(w => w.Key).SelectMany(w => ForWidth(w.ToList(), targetDensity))
            .ToList();

    private static IEnumerable<HeadlineInput> ForWidth(IReadOnlyList<HeadlineRun> runs, double targetDensity)
    {
        var round = HeadlineRound(runs, targetDensity);
        if (round < 0)
            yield break;
        var tickets = runs.Where(r => r.Kind == RunKind.Ticket && r.Round == round).ToList();
        var inits = tickets.Select(r => r.Init).Distinct().Order().ToList();
        var (first, density) = (tickets[0], tickets.Average(r => r.Density));
        var converged = inits.All(i => runs.Any(r => r.Kind == RunKind.DenseBaseline && r.Init == i));
        double Dense(int init) => converged
            ? runs.First(r => r.Kind == RunKind.DenseBaseline && r.Init == init).TestAccuracy
            : runs.Where(r => r.Kind == RunKind.Ticket && r.Round == 0 && r.Init == init).Average(r => r.TestAccuracy);
        var denseName = converged ? TicketMinusDense : TicketMinusDense + " (round-0 nets)";
        yield return new HeadlineInput(denseName, true, first.WidthIndex, first.Width, round, density,
            inits.Select(i => tickets.Where(t => t.Init == i).Select(t => t.TestAccuracy - Dense(i)).ToList())
                .ToList());
        foreach (var kind in new[] { RunKind.RandomReinit, RunKind.RandomMask })
        {
            var controls = runs.Where(r => r.Kind == kind && r.Round == round).ToList();
            if (controls.Count == 0)
                continue;
            var byInit = inits.Select(i => tickets.Where(t => t.Init == i)
                    .Join(controls, t => t.Ticket, c => c.Ticket, (t, c) => t.TestAccuracy - c.TestAccuracy).ToList())
                .Where(d => d.Count > 0).ToList();
            yield return new HeadlineInput($"ticket - {SpecNames.Of(kind)}", false, first.WidthIndex, first.Width,
                round, density, byInit);
        }
    }

    /// <summary>Tests every member at the init level and adjusts the family's p-values together (Holm).</summary>
    public static IReadOnlyList<HeadlineRow> Test(IReadOnlyList<HeadlineInput> family, double margin,
        int resamples = Statistics.DefaultResamples, int seed = 0)
    {
        var results = family.Select(m => InitInference.Compare(m.ByInit, margin, resamples, seed)).ToList();
        var p = family.Zip(results, (m, r) => m.Equivalence ? r.TostP : r.TwoSidedP).ToList();
        var holm = InitInference.Holm(p);
        return family.Select((m, i) => new HeadlineRow(m.Comparison, m.Equivalence ? EquivalenceTest : DifferenceTest,
            m.WidthIndex, m.Width, m.Round, m.Density, results[i], p[i], holm[i],
            Verdict(m.Equivalence, results[i], holm[i]))).ToList();
    }

    private static string Verdict(bool equivalence, InitLevelDifference result, double holm)
    {
        if (double.IsNaN(holm))
            return "not testable (fewer than 2 inits)";
        var points = result.Margin * 100;
        if (equivalence)
            return holm < Alpha
                ? $"equivalent within +-{points:0.##} points"
                : $"not shown within +-{points:0.##} points";
        if (holm >= Alpha)
            return "no difference detected";
        return result.Difference.Mean > 0 ? "A higher" : "A lower";
    }
}
