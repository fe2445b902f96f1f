using System.Globalization;
using LotteryActors.Training.Analysis;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Report;

/// <summary>The tables of one search's comparison, in reading order.</summary>
public static class ComparisonTables
{
    /// <summary>
    /// The tables with rows: a search without converged baselines or with one init per width has no dense-baselines
    /// or init-mix rows, and an empty table with its long note says nothing.
    /// </summary>
    public static IReadOnlyList<ReportTable> Build(SearchAnalysis a) =>
        new[]
        {
            HeadlineTable.Build(a), Curves(a), SeedLevel(a), ControlGaps(a), DenseBaselines(a), Ensembles(a), InitMix(a),
            Baselines(a), SizeCurves(a), Diversity(a), Pools(a), Census(a),
        }.Where(t => t.Rows.Count > 0).ToList();

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

    /// <summary>An init's index, or "all" for a row over every init of the width (the deep ensemble).</summary>
    private static string Init(int? init) => init?.ToString(CultureInfo.InvariantCulture) ?? "all";

    internal static string Summary(SeedSummary s) => s.N < 2
        ? $"{ReportTable.Display(s.Mean)} (n = {s.N} {s.Unit})"
        : $"{ReportTable.Display(s.Mean)} +- {ReportTable.Display(s.StandardDeviation)} [{ReportTable.Display(s.Lower)}, " +
          $"{ReportTable.Display(s.Upper)}] (n = {s.N} {s.Unit}s)";

    /// <summary>What the interval over seeds says about a difference: only an interval that excludes 0 decides.</summary>
    private static string Verdict(SeedSummary difference) =>
        difference.N < 2 ? "no interval (n = 1)"
        : !difference.ExcludesZero ? "within seed noise"
        : difference.Mean > 0 ? "ensemble wins" : "dense wins";

    private static string Epochs(Spread epochs) =>
        string.Join(' ', epochs.Values.Select(v => v.ToString("0.#", CultureInfo.InvariantCulture)));

    private static ReportTable SeedLevel(SearchAnalysis a) => new("seed-level",
        "Headline: tickets and their within-init ensemble, over independent inits",
        ["width", "round", "density", "members", "logit ensemble", "ensemble - dense", "dense", "verdict"],
        a.SeedLevel.Select(r => new object?[]
        {
            r.Width, r.Round, r.Density, Summary(r.MemberTestAccuracy), Summary(r.EnsembleTestAccuracy),
            Summary(r.EnsembleGainOverDense), r.DenseSource, Verdict(r.EnsembleGainOverDense),
        }).ToList(),
        "test accuracy, mean +- sample sd over the unit named, with a 95% Student t interval for the mean over that " +
        "unit; members = each init's mean ticket (with one init: each ticket, over data-order seeds); ensemble - dense " +
        "= each init's logit ensemble minus that init's dense net (converged = its converged baseline; round-0 = the " +
        "mean of its tickets' round-0 nets, trained for one round only). The bootstrap intervals of the other tables " +
        "resample test examples for fixed nets: a second layer, silent on another init or seed", Keys: 2);

    private static ReportTable ControlGaps(SearchAnalysis a)
    {
        var kinds = a.ControlGaps.SelectMany(r => r.Controls.Select(c => c.Kind)).Distinct().Order().ToList();
        return new("controls", "Tickets against their controls and their dense net, over inits (one init: over data-order seeds)",
            new[] { "width", "round", "density", "tickets", "tickets - dense", "dense" }
                .Concat(kinds.SelectMany(k => new[] { Kind(k), $"tickets - {Kind(k)}" })).ToList(),
            a.ControlGaps.Select(r => new object?[]
            {
                r.Width, r.Round, r.Density, Summary(r.TicketTestAccuracy), Summary(r.TicketMinusDense), r.DenseSource,
            }.Concat(PerKind(kinds, r.Controls, c => c.Kind,
                c => [Summary(c.TestAccuracy), Summary(c.TicketMinusControl)])).ToArray()).ToList(),
            "test accuracy of final weights, mean +- sample sd over the unit named, with a 95% Student t interval for " +
            "the mean; every difference is taken within its unit first: per init, its tickets' mean minus its " +
            "controls' mean (or its dense net), so differences between inits cancel; with one init, per ticket, each " +
            "control against the ticket whose mask it was given. Controls and tickets train for the same budget per " +
            "round; dense as in seed-level", Keys: 2);
    }

    private static ReportTable DenseBaselines(SearchAnalysis a) => new("dense-baselines",
        "Converged dense baselines (one per init) and the deep ensemble",
        ["width", "inits", "test mean", "test std", "peak epoch", "stopped at", "budget", "params", "deep ensemble",
         "deep params", "deep epochs", "tickets round", "density", "tickets epochs", "tickets ensemble"],
        a.DenseBaselines.Select(d => new object?[]
        {
            d.Width, d.TestAccuracy.Values.Count, d.TestAccuracy.Mean, d.TestAccuracy.StandardDeviation,
            Epochs(d.PeakEpoch), Epochs(d.EpochsTrained), d.BudgetEpochs, (long)d.Cost, d.DeepEnsembleTestAccuracy,
            d.DeepEnsembleCost, d.DeepEnsembleEpochs, d.EqualComputeRound < 0 ? "-" : d.EqualComputeRound,
            d.EqualComputeDensity, d.EqualComputeEpochs,
            d.EqualComputeTicketEnsembleTestAccuracy is { } t ? Summary(t) : "-",
        }).ToList(),
        "each baseline trains with the search's recipe for at most the budget (epochs), stops once validation accuracy " +
        "has not improved for the patience, and keeps its best-validation weights: peak epoch per init (where those " +
        "weights come from) against where it stopped and the budget; deep ensemble = logit ensemble of the baselines " +
        "of independent inits; params = non-zero weights and all biases, output layer included; equal compute: the " +
        "deepest round whose within-init ticket ensembles (tickets x IMP epochs, IMP = (round + 1) rounds of training) " +
        "took no more epochs than the deep ensemble, its ensemble accuracy over inits", Keys: 1);

    private static ReportTable InitMix(SearchAnalysis a) => new("init-mix", "Ensembles within one init against across inits, at equal size",
        ["width", "round", "density", "size", "within one init", "across inits", "across - within"],
        a.InitMix.Select(m => new object?[]
        {
            m.Width, m.Round, m.Density, m.Size, Summary(m.WithinInit), Summary(m.AcrossInits), m.AcrossMinusWithin,
        }).ToList(),
        "logit ensembles of size tickets at one round: within = the first tickets of one init (one ensemble per init); " +
        "across = one ticket from each of size different inits (one ensemble per ticket position); test accuracy, " +
        "mean +- sd with a 95% t interval over those ensembles", Keys: 2);

    private static ReportTable Ensembles(SearchAnalysis a) => new("ensembles", "Output ensembles of all runs of a kind at one round of one init",
        ["width", "init", "kind", "round", "density", "K", "member mean", "member std", "selected", "logit", "logit lo", "logit hi",
         "prob", "vote", "gain", "gain lo", "gain hi", "verdict", "ECE member", "ECE logit", "ECE prob", "cost member", "cost ensemble"],
        a.Ensembles.Select(e =>
        {
            var logit = e.Method(SearchAnalyzer.LogitAverage);
            var gain = logit.GainOverSelectedMember;
            return new object?[]
            {
                e.Width, Init(e.Init), Kind(e.Kind), e.Round, e.Density, e.Members, e.MemberTestAccuracy.Mean, e.MemberTestAccuracy.StandardDeviation,
                e.SelectedMemberTestAccuracy, logit.TestAccuracy, logit.Accuracy.Lower, logit.Accuracy.Upper,
                e.Method(SearchAnalyzer.ProbabilityAverage).TestAccuracy, e.Method(SearchAnalyzer.MajorityVote).TestAccuracy,
                gain.Difference.Estimate, gain.Difference.Lower, gain.Difference.Upper, gain.WithinNoise ? "within noise" : gain.Difference.Estimate > 0 ? "gain" : "loss",
                e.MemberMeanCalibrationError, logit.ExpectedCalibrationError, e.Method(SearchAnalyzer.ProbabilityAverage).ExpectedCalibrationError,
                (long)e.MemberCost, (long)e.EnsembleCost,
            };
        }).ToList(),
        "selected = the member with the best validation accuracy; gain = logit-average minus selected, with a 95% paired bootstrap interval over test examples; " +
        "cost = parameters evaluated per example (non-zero weights and all biases); ECE with 15 bins; " +
        "init all + dense-baseline = the deep ensemble (converged dense nets of independent inits)", Keys: 5);

    private static ReportTable Baselines(SearchAnalysis a) => new("baselines",
        "Same-init round-0 ensemble, and K tickets against one dense net at equal parameters",
        ["width", "init", "K", "round-0 mean", "round-0 std", "same-init ensemble", "same-init params", "dense",
         "dense test", "dense params", "dense epochs", "K tickets round", "density", "K tickets ensemble",
         "K tickets params", "K tickets epochs", "vs dense", "lo", "hi", "verdict"],
        a.Baselines.Select(b => new object?[]
        {
            b.Width, b.Init, b.Tickets, b.RoundZeroTestAccuracy.Mean, b.RoundZeroTestAccuracy.StandardDeviation,
            b.SameInitEnsembleTestAccuracy, (long)b.SameInitEnsembleCost, b.DenseSource, b.DenseTestAccuracy,
            (long)b.DenseCost, b.DenseEpochs, b.EqualBudgetRound, b.EqualBudgetDensity, b.EqualBudgetEnsembleTestAccuracy,
            (long)b.EqualBudgetEnsembleCost, b.EqualBudgetEnsembleEpochs,
            b.EqualBudgetGainOverDense.Difference.Estimate, b.EqualBudgetGainOverDense.Difference.Lower, b.EqualBudgetGainOverDense.Difference.Upper,
            b.EqualBudgetGainOverDense.WithinNoise ? "within noise" : b.EqualBudgetGainOverDense.Difference.Estimate > 0 ? "tickets win" : "dense wins",
        }).ToList(),
        "same-init ensemble = the K round-0 nets of one init (its tickets' data orders): not a deep ensemble; " +
        "K tickets = the round whose density is nearest 1/K, so their parameters roughly match one dense net's; " +
        "dense = the init's converged baseline, or without one the round-0 net with the best validation accuracy " +
        "(round-0, trained for one round only); params = non-zero weights and all biases, output layer included; " +
        "epochs = training compute (K tickets: K x (round + 1) rounds of IMP); vs dense = K tickets ensemble minus " +
        "dense, with a 95% paired bootstrap interval over test examples", Keys: 2);

    private static ReportTable SizeCurves(SearchAnalysis a) => new("size-curves", "Best k-member ensemble, chosen greedily on validation",
        ["width", "init", "round", "density", "k", "members", "validation", "test"],
        a.SizeCurves.SelectMany(s => s.Steps.Select(step => new object?[]
            { s.Width, s.Init, s.Round, s.Density, step.Size, string.Join(' ', step.Members), step.ValidationAccuracy, step.TestAccuracy })).ToList());

    private static ReportTable Diversity(SearchAnalysis a) => new("diversity", "How different the tickets are (mean over pairs)",
        ["width", "init", "round", "density", "mask Jaccard", "chance", "d/(2-d)", "disagreement", "sym. KL"],
        a.Diversity.Select(d => new object?[]
        {
            d.Width, d.Init, d.Round, d.Density, d.MeanJaccard, d.MeanChanceJaccard, d.ChanceJaccardAtDensity,
            d.MeanDisagreement, d.MeanSymmetricKl,
        }).ToList(),
        "chance = the Jaccard of two random masks with the same per-layer densities as the pair; d/(2-d) = that " +
        "of two uniformly random masks at the overall density d (they differ where layers are pruned at different " +
        "rates); " +
        "correlation with the pair's ensemble gain over its mean member, " +
        $"pooled over the {a.CorrelationPairs} pairs of pruned " +
        $"rounds: disagreement {ReportTable.Display(a.DisagreementGainCorrelation)}, mask Jaccard " +
        $"{ReportTable.Display(a.JaccardGainCorrelation)}; mean within one (width, init, round): disagreement " +
        $"{ReportTable.Display(a.DisagreementGainCorrelationWithinLevels)}, mask Jaccard " +
        $"{ReportTable.Display(a.JaccardGainCorrelationWithinLevels)}");

    private static ReportTable Pools(SearchAnalysis a) => new("pools", "Weight-space ensembles (Lottery Pools): one network each",
        ["width", "init", "round", "density", "pool", "pooled test", "start member", "gain", "member mean", "pooled cost",
         "member cost"],
        a.Pools.Select(p => new object?[]
        {
            p.Width, p.Init, p.Round, p.Density, p.Pool, p.PooledTestAccuracy.Mean, p.StartMemberTestAccuracy.Mean,
            p.GainOverStartMember, p.MemberTestAccuracy.Mean, (long)p.PooledCost, (long)p.MemberCost,
        }).ToList(),
        "across-tickets interpolates the tickets of one round; adjacent-sparsity interpolates each ticket with its previous (denser) round; " +
        "coefficients chosen on validation; a pool starts from its validation-selected member (start member) " +
        "and gain = pooled minus it, " +
        "0 where no mix helped on validation; cost = parameters of the pooled network (non-zero weights and all biases)", Keys: 5);

    /// <summary>A count with its interval, "5 [3.1, 6.2]".</summary>
    private static string Count(CountInterval c) => double.IsNaN(c.Lower)
        ? c.Count.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{c.Count} [{c.Lower:F1}, {c.Upper:F1}]");

    private const string NotJudged = "not judged";

    /// <summary>A row's two cells for each control kind of its table, in <paramref name="kinds"/>' order; "-" where
    /// the row has no run of that kind.</summary>
    private static IEnumerable<object?> PerKind<T>(IReadOnlyList<RunKind> kinds, IReadOnlyList<T> controls,
        Func<T, RunKind> kindOf, Func<T, object?[]> cells) where T : class =>
        kinds.SelectMany(k => controls.FirstOrDefault(c => kindOf(c) == k) is { } c ? cells(c) : ["-", "-"]);

    private static ReportTable Census(SearchAnalysis a)
    {
        var controls = a.Census.SelectMany(c => c.Controls.Select(k => k.Kind)).Distinct().Order().ToList();
        string Epsilon(DenseReference r) => r.EpsilonFromSpread
            ? string.Create(CultureInfo.InvariantCulture, $"spread, df {r.SpreadDegreesOfFreedom}")
            : "given";
        return new("census",
            "Ticket census: distinct winning tickets per width and round, against each init's dense net",
            new[]
            {
                "width", "round", "density", "headline", "dense", "references", "epsilon", "from", "chance J", "same J",
                "max winner J", "tickets", "winners [95%]", "distinct [95%]", "distinct at same " +
                string.Join("|", CensusCriteria.SensitivityFractions.Select(f => ReportTable.Display(f))), "per init",
                "ticket val.",
            }.Concat(controls.SelectMany(k => new[] { $"{Kind(k)} val.", $"{Kind(k)} wins" }))
                .Concat(["winner test mean", "winner test std"]).ToList(),
            a.Census.Select(c => new object?[]
            {
                c.Width, c.Round, c.Density, c.Headline ? "yes" : "", c.Reference.Source,
                string.Join(" | ", c.Reference.Inits.Select(i => ReportTable.Display(i.ValidationAccuracy))),
                c.Reference.Epsilon, Epsilon(c.Reference), c.ChanceJaccard, c.SameTicketJaccard, c.MaxWinnerJaccard,
                c.Candidates, c.Judged ? Count(c.Winners) : NotJudged, c.Judged ? Count(c.Distinct) : NotJudged,
                c.Judged ? string.Join(" | ", c.DistinctByThreshold.Select(d => d.Distinct)) : NotJudged,
                c.Judged
                    ? string.Join(" | ", c.Inits.Select(i => $"{i.Winners}/{i.Candidates} d{i.Distinct}"))
                    : NotJudged,
                c.TicketMeanValidationAccuracy,
            }.Concat(PerKind(controls, c.Controls, x => x.Kind,
                    x => [x.MeanValidationAccuracy, c.Judged ? $"{x.Winners}/{x.Runs}" : NotJudged]))
                .Concat([c.WinnerMeanTestAccuracy, c.WinnerTestAccuracyStandardDeviation]).ToArray()).ToList(),
            "every pruned round; headline = the round whose density is nearest " +
            $"{ReportTable.Display(a.Options.Census.TargetDensity)}. A run (ticket or control) wins when its " +
            "validation accuracy (final weights) is at least its own init's dense reference minus epsilon; dense " +
            "converged = each init's converged baseline (references, in init order: validation accuracy of its " +
            "best-validation weights, picked on that split, so the bar leans high); round-0, all " +
            "inits = no converged baselines, so every init gets the mean of all the width's round-0 nets, as before " +
            "baselines existed. " +
            "epsilon = " + (a.Options.Census.Epsilon is { } fixedEpsilon
                ? $"{ReportTable.Display(fixedEpsilon)}, as given"
                : "the dense nets' seed-to-seed spread: the sample standard deviation of the round-0 nets' " +
                  "validation accuracies (same init, different data orders) pooled within inits, df = nets - inits; " +
                  "with one round-0 net per init df is 0, epsilon is undefined and nothing is judged (give --epsilon)") +
            ". chance J = d / (2 - d), the Jaccard of two random masks at density d; two winners are the same ticket " +
            $"when their mask Jaccard reaches same J = chance + {ReportTable.Display(a.Options.Census.SameTicket)} x " +
            "(1 - chance), directly or through other winners, and count once in distinct; max winner J = the most " +
            "similar pair of winners; distinct at same f = the distinct count had the fraction been f instead (the " +
            "threshold's sensitivity; winners of different inits sit near chance, since units are not aligned across " +
            "inits, so only within-init pairs can merge). Counts of tickets with 95% Wilson intervals (unit: ticket, n = tickets; " +
            "tickets of one init share it, so the per-init counts, winners/tickets and d distinct, show how much " +
            "inits differ). " +
            "Controls at the same round and density are judged by the same rule (val. = their mean validation " +
            "accuracy); winner test = test accuracy of the winning tickets", Keys: 2);
    }
}
