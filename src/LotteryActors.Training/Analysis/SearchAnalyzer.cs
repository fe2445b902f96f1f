using LotteryActors.Training.Ensembles;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Training.Analysis;

/// <summary>
/// Computes a <see cref="SearchAnalysis"/> from a search's journaled runs and their stored artifacts: every trained
/// network is evaluated once on validation and test, and everything else is derived from those outputs, the stored
/// weights and the masks. Choices (selected member, greedy order, pooling coefficients) use validation only.
/// </summary>
public sealed class SearchAnalyzer : IDisposable
{
    public const string LogitAverage = "logit-average";
    public const string ProbabilityAverage = "probability-average";
    public const string MajorityVote = "majority-vote";

    /// <summary>Where the dense net a comparison uses comes from: the init's converged baseline, or a round-0 net.</summary>
    public const string ConvergedSource = "converged";
    public const string RoundZeroSource = "round-0";

    /// <summary>The independent units a <see cref="SeedSummary"/> is taken over.</summary>
    public const string InitUnit = "init";
    public const string SeedUnit = "data-order seed";
    public const string PositionUnit = "ticket position";

    private readonly ImpRunner runner;
    private readonly AnalysisOptions options;
    private readonly Dictionary<WorkUnit, MemberOutputs> outputs = [];
    private readonly Dictionary<string, (long NonZeroWeights, long Parameters)> costs = [];
    private readonly Dictionary<string, Mask> masks = [];
    private readonly Tensor validationLabels;
    private readonly Tensor testLabels;

    public SearchAnalyzer(ImpRunner runner, AnalysisOptions options)
    {
        this.runner = runner;
        this.options = options;
        validationLabels = runner.Data.Validation.Labels.cpu();
        testLabels = runner.Data.Test.Labels.cpu();
    }

    public SearchAnalysis Analyze(string searchId, IReadOnlyList<RunResult> runs)
    {
        var spec = runner.Spec;
        // Curves pool every init of a width; everything ensembled is grouped by init, except the converged dense
        // baselines, whose ensemble across the width's inits is the deep ensemble.
        var curveGroups = runs.GroupBy(r => (r.Unit.Ticket.WidthIndex, r.Unit.Kind, r.Unit.Round))
            .OrderBy(g => g.Key.WidthIndex).ThenBy(g => g.Key.Kind).ThenBy(g => g.Key.Round)
            .Select(g => NewGroup(g.Key.WidthIndex, null, g.Key.Kind, g.Key.Round, g)).ToList();
        var initGroups = runs.Where(r => r.Unit.Kind != RunKind.DenseBaseline)
            .GroupBy(r => (r.Unit.Ticket.WidthIndex, Init: spec.InitOf(r.Unit.Ticket).Index, r.Unit.Kind, r.Unit.Round))
            .OrderBy(g => g.Key.WidthIndex).ThenBy(g => g.Key.Init).ThenBy(g => g.Key.Kind).ThenBy(g => g.Key.Round)
            .Select(g => NewGroup(g.Key.WidthIndex, g.Key.Init, g.Key.Kind, g.Key.Round, g)).ToList();
        var baselineGroups = curveGroups.Where(g => g.Kind == RunKind.DenseBaseline).ToList();
        var ensembleGroups = initGroups.Concat(baselineGroups).Where(g => g.Runs.Count >= 2).ToList();
        var ticketGroups = initGroups.Where(g => g.Kind == RunKind.Ticket && g.Runs.Count >= 2).ToList();
        var pairs = ticketGroups.SelectMany(Pairs).ToList();
        var varied = pairs.Where(p => p.Round > 0).ToList();
        var levels = ticketGroups.GroupBy(g => (g.WidthIndex, g.Round)).Select(l => l.ToList()).ToList();
        return new SearchAnalysis(
            searchId,
            spec.Name,
            options,
            curveGroups.Select(g => new CurvePoint(g.WidthIndex, g.Width, g.Kind, g.Round, g.Density,
                Spread.Of(g.Runs.Select(r => r.Metrics.TestAccuracy).ToList()))).ToList(),
            ensembleGroups.Select(Ensemble).ToList(),
            ticketGroups.Select(g => new SizeCurve(g.WidthIndex, g.Width, g.Init!.Value, g.Kind, g.Round, g.Density,
                GreedyEnsemble.Select(Outputs(g), validationLabels, testLabels))).ToList(),
            ticketGroups.Select(g => Diversity(g, pairs)).ToList(),
            pairs,
            GainCorrelation(varied, p => p.Disagreement),
            GainCorrelation(varied, p => p.MaskJaccard),
            varied.Count,
            WithinLevels(varied, p => p.Disagreement),
            WithinLevels(varied, p => p.MaskJaccard),
            ticketGroups.GroupBy(g => (g.WidthIndex, g.Init))
                .Select(i => Baseline(i.ToList(), ConvergedDense(runs, i.Key.WidthIndex, i.Key.Init!.Value)))
                .OfType<BaselineRow>().ToList(),
            baselineGroups.Select(g => DenseBaseline(g, ticketGroups.Where(t => t.WidthIndex == g.WidthIndex).ToList())).ToList(),
            levels.Select(l => SeedLevel(l, initGroups, runs)).ToList(),
            initGroups.Where(g => g.Kind == RunKind.Ticket && g.Round > 0).GroupBy(g => (g.WidthIndex, g.Round))
                .Select(l => ControlGaps(l.ToList(), initGroups, runs)).ToList(),
            levels.Select(InitMix).OfType<InitMixRow>().ToList(),
            ticketGroups.SelectMany(g => Pools(g, initGroups)).ToList(),
            runs.Select(r => r.Unit.Ticket.WidthIndex).Distinct().Order().SelectMany(w => Census(w, runs)).ToList(),
            Headlines(runs, initGroups, ticketGroups));
    }

    /// <summary>
    /// The headline family (see <see cref="HeadlineFamily"/>): its members from the runs judged under the options'
    /// selection, plus, per width with two or more tickets per init, the within-init ticket ensemble against the
    /// init's dense net at the headline round. Ensembles are of stored weights: the final weights of tickets.
    /// </summary>
    private IReadOnlyList<HeadlineRow> Headlines(IReadOnlyList<RunResult> runs, IReadOnlyList<Group> initGroups,
        IReadOnlyList<Group> ticketGroups)
    {
        var spec = runner.Spec;
        var scored = runs.Select(r => new HeadlineRun(r.Unit.Ticket.WidthIndex, spec.Width(r.Unit.Ticket),
            spec.InitOf(r.Unit.Ticket).Index, r.Unit.Ticket.Index, r.Unit.Kind, r.Unit.Round, r.Density,
            RunScores.Test(r.Metrics, options.Selection))).ToList();
        var family = HeadlineFamily.FromRuns(scored, options.Census.TargetDensity).ToList();
        foreach (var width in scored.GroupBy(r => r.WidthIndex))
        {
            var round = HeadlineFamily.HeadlineRound(width, options.Census.TargetDensity);
            var ensembles = ticketGroups.Where(g => g.WidthIndex == width.Key && g.Round == round).ToList();
            if (ensembles.Count == 0 || ensembles.Any(g => ConvergedDense(runs, g.WidthIndex, g.Init!.Value) is null))
                continue;
            var byInit = ensembles.Select(g => (IReadOnlyList<double>)
                [EnsembleAccuracy(g) - DenseTestAccuracy(g, initGroups, runs)]).ToList();
            family.Add(new HeadlineInput(HeadlineFamily.EnsembleMinusDense, false, width.Key, ensembles[0].Width,
                round, ensembles.Average(g => g.Density), byInit));
        }
        return HeadlineFamily.Test(family.OrderBy(m => m.WidthIndex).ToList(), options.Margin,
            options.BootstrapResamples);
    }

    private static double GainCorrelation(IReadOnlyList<TicketPair> pairs, Func<TicketPair, double> diversity) =>
        Statistics.PearsonCorrelation(pairs.Select(diversity).ToList(), pairs.Select(p => p.PairEnsembleGain).ToList());

    private static double WithinLevels(IReadOnlyList<TicketPair> pairs, Func<TicketPair, double> diversity)
    {
        var levels = pairs.GroupBy(p => (p.WidthIndex, p.Init, p.Round))
            .Select(level => GainCorrelation(level.ToList(), diversity)).Where(r => !double.IsNaN(r)).ToList();
        return levels.Count == 0 ? double.NaN : levels.Average();
    }

    /// <summary>Runs of one kind at one round: of one init of a width, or (<paramref name="Init"/> null) of all of them.</summary>
    private sealed record Group(int WidthIndex, double Width, int? Init, RunKind Kind, int Round, IReadOnlyList<RunResult> Runs)
    {
        public double Density => Runs.Average(r => r.Density);
    }

    private Group NewGroup(int widthIndex, int? init, RunKind kind, int round, IEnumerable<RunResult> runs) =>
        new(widthIndex, runner.Spec.Model.Widths[widthIndex], init, kind, round, runs.OrderBy(r => r.Unit.Ticket.Index).ToList());

    private RunResult? ConvergedDense(IReadOnlyList<RunResult> runs, int widthIndex, int init) =>
        ConvergedDense(runner.Spec, runs, widthIndex, init);

    private static RunResult? ConvergedDense(SearchSpec spec, IReadOnlyList<RunResult> runs, int widthIndex,
        int init) =>
        runs.FirstOrDefault(r => r.Unit.Kind == RunKind.DenseBaseline && r.Unit.Ticket.WidthIndex == widthIndex
                                 && spec.InitOf(r.Unit.Ticket).Index == init);

    /// <summary>
    /// Every init's dense nets at one width, the census's bar (<see cref="DenseReference.Of"/>): its converged
    /// baseline and its tickets' round-0 nets, each scored by <paramref name="selection"/>.
    /// </summary>
    public static IReadOnlyList<CensusDense> CensusDense(SearchSpec spec, IReadOnlyList<RunResult> runs,
        int widthIndex, RunSelection selection) =>
        runs.Where(r => r.Unit.Ticket.WidthIndex == widthIndex && r.Unit.Kind == RunKind.Ticket && r.Unit.Round == 0)
            .GroupBy(r => spec.InitOf(r.Unit.Ticket).Index).OrderBy(i => i.Key)
            .Select(i => new CensusDense(i.Key, ConvergedDense(spec, runs, widthIndex, i.Key) is { } converged
                    ? RunScores.Validation(converged.Metrics, selection)
                    : null,
                i.Select(r => RunScores.Validation(r.Metrics, selection)).ToList()))
            .ToList();

    private int IterationsPerEpoch => TrainingSession.IterationsPerEpoch(runner.Data, runner.Spec.Training);

    /// <summary>Epochs of IMP that went into one ticket at <paramref name="round"/>.</summary>
    private double TicketEpochs(int round) => TrainingCompute.TicketEpochs(round,
        runner.Spec.Training.Duration.ToIterations(IterationsPerEpoch),
        runner.Spec.Pruning.Rewind.ToIterations(IterationsPerEpoch), IterationsPerEpoch);

    private double EnsembleAccuracy(Group g) =>
        EnsembleMath.LogitAverageAccuracy(Outputs(g).Select(m => m.TestLogits).ToList(), testLabels);

    private EnsembleRow Ensemble(Group g)
    {
        var members = Outputs(g);
        var test = members.Select(m => m.TestLogits).ToList();
        var selected = MemberOutputs.SelectOnValidation(members, validationLabels);
        var selectedCorrect = Statistics.Correct(members[selected].TestLogits, testLabels);
        using var scope = NewDisposeScope();
        var memberEce = members.Select(m => Calibration.ExpectedCalibrationError(m.TestLogits.softmax(1), testLabels)).Average();
        var meanLogits = stack(test).mean([0]);
        var meanProbabilities = EnsembleMath.MeanProbabilities(test);
        var methods = new[]
        {
            Score(LogitAverage, meanLogits.argmax(1), meanLogits.softmax(1), selectedCorrect),
            Score(ProbabilityAverage, meanProbabilities.argmax(1), meanProbabilities, selectedCorrect),
            Score(MajorityVote, EnsembleMath.MajorityVote(test), null, selectedCorrect),
        };
        var memberCosts = g.Runs.Select(r => (double)Cost(r.WeightsHash)).ToList();
        return new EnsembleRow(g.WidthIndex, g.Width, g.Init, g.Kind, g.Round, g.Density, g.Runs.Count,
            Spread.Of(g.Runs.Select(r => r.Metrics.TestAccuracy).ToList()), g.Runs[selected].Metrics.TestAccuracy,
            memberEce, methods, memberCosts.Average(), memberCosts.Sum());
    }

    private EnsembleMethodScore Score(string method, Tensor predictions, Tensor? probabilities, bool[] selectedCorrect)
    {
        var correct = predictions.eq(testLabels).data<bool>().ToArray();
        var interval = Statistics.AccuracyInterval(correct, options.BootstrapResamples);
        return new EnsembleMethodScore(method, interval.Estimate,
            probabilities is null ? double.NaN : Calibration.ExpectedCalibrationError(probabilities, testLabels),
            interval, Statistics.PairedAccuracyDifference(correct, selectedCorrect, options.BootstrapResamples));
    }

    private IEnumerable<TicketPair> Pairs(Group g)
    {
        var members = Outputs(g);
        for (var a = 0; a < g.Runs.Count; a++)
        for (var b = a + 1; b < g.Runs.Count; b++)
        {
            var pairAccuracy = EnsembleMath.LogitAverageAccuracy([members[a].TestLogits, members[b].TestLogits], testLabels);
            var meanAccuracy = (g.Runs[a].Metrics.TestAccuracy + g.Runs[b].Metrics.TestAccuracy) / 2;
            yield return new TicketPair(g.WidthIndex, g.Init!.Value, g.Round, g.Runs[a].Unit.Ticket.Index, g.Runs[b].Unit.Ticket.Index,
                MaskOverlap.Jaccard(MaskOf(g.Runs[a]), MaskOf(g.Runs[b])).Overall,
                MaskOverlap.ChanceJaccard(MaskOf(g.Runs[a]), MaskOf(g.Runs[b])),
                PredictionDiversity.Disagreement(members[a].TestLogits, members[b].TestLogits),
                PredictionDiversity.SymmetricKl(members[a].TestLogits, members[b].TestLogits),
                pairAccuracy - meanAccuracy);
        }
    }

    private DiversityRow Diversity(Group g, IReadOnlyList<TicketPair> allPairs)
    {
        var pairs = allPairs.Where(p => p.WidthIndex == g.WidthIndex && p.Init == g.Init && p.Round == g.Round).ToList();
        var groupMasks = g.Runs.Select(MaskOf).ToList();
        var matrix = MaskOverlap.PairwiseJaccard(groupMasks);
        var perLayer = groupMasks[0].Layers.Keys.ToDictionary(layer => layer, layer =>
            Enumerable.Range(0, groupMasks.Count).SelectMany(a => Enumerable.Range(a + 1, groupMasks.Count - a - 1)
                .Select(b => MaskOverlap.Jaccard(groupMasks[a], groupMasks[b]).PerLayer[layer])).Average());
        return new DiversityRow(g.WidthIndex, g.Width, g.Init!.Value, g.Round, g.Density, pairs.Average(p => p.MaskJaccard),
            pairs.Average(p => p.ChanceJaccard), perLayer,
            pairs.Average(p => p.Disagreement), pairs.Average(p => p.SymmetricKl),
            Enumerable.Range(0, groupMasks.Count).Select(i => Enumerable.Range(0, groupMasks.Count).Select(j => matrix[i, j]).ToArray()).ToArray());
    }

    private BaselineRow? Baseline(IReadOnlyList<Group> init, RunResult? converged)
    {
        var roundZero = init.FirstOrDefault(g => g.Round == 0);
        if (roundZero is null)
            return null;
        var k = roundZero.Runs.Count;
        var equal = init.Where(g => g.Round > 0).MinBy(g => Math.Abs(g.Density - 1.0 / k)) ?? roundZero;
        var zeroOutputs = Outputs(roundZero);
        var equalCorrect = EnsembleCorrect(Outputs(equal).Select(m => m.TestLogits).ToList());
        // Chosen on validation when there is no converged baseline; the test split never picks the dense net.
        var dense = converged ?? roundZero.Runs[MemberOutputs.SelectOnValidation(zeroOutputs, validationLabels)];
        var denseCorrect = Statistics.Correct(Output(dense, roundZero.Width).TestLogits, testLabels);
        return new BaselineRow(roundZero.WidthIndex, roundZero.Width, roundZero.Init!.Value, k,
            Spread.Of(roundZero.Runs.Select(r => r.Metrics.TestAccuracy).ToList()),
            EnsembleAccuracy(roundZero), roundZero.Runs.Sum(r => (double)Cost(r.WeightsHash)),
            converged is null ? RoundZeroSource : ConvergedSource,
            denseCorrect.Count(c => c) / (double)denseCorrect.Length, Cost(dense.WeightsHash),
            TrainingCompute.Epochs(dense.Metrics.Iterations, IterationsPerEpoch),
            equal.Round, equal.Density, equalCorrect.Count(c => c) / (double)equalCorrect.Length,
            equal.Runs.Sum(r => (double)Cost(r.WeightsHash)), equal.Runs.Count * TicketEpochs(equal.Round),
            Statistics.PairedAccuracyDifference(equalCorrect, denseCorrect, options.BootstrapResamples));
    }

    private DenseBaselineRow DenseBaseline(Group baselines, IReadOnlyList<Group> tickets)
    {
        var runs = baselines.Runs;
        double Epochs(int iterations) => TrainingCompute.Epochs(iterations, IterationsPerEpoch);
        var deep = runs.Count >= 2;
        var deepEpochs = runs.Sum(r => Epochs(r.Metrics.Iterations));
        // The deepest round whose within-init ticket ensembles took no more training than the deep ensemble.
        var affordable = tickets.GroupBy(g => g.Round)
            .Where(round => deep && round.All(g => g.Runs.Count * TicketEpochs(g.Round) <= deepEpochs))
            .MaxBy(round => round.Key)?.ToList();
        return new DenseBaselineRow(baselines.WidthIndex, baselines.Width, runner.Spec.Baseline?.Epochs ?? 0,
            Spread.Of(runs.Select(r => r.Metrics.TestAccuracy).ToList()),
            Spread.Of(runs.Select(r => Epochs(r.Metrics.EarlyStopIteration)).ToList()),
            Spread.Of(runs.Select(r => Epochs(r.Metrics.Iterations)).ToList()),
            runs.Average(r => (double)Cost(r.WeightsHash)), runs.Count,
            deep ? EnsembleAccuracy(baselines) : double.NaN,
            deep ? runs.Sum(r => (double)Cost(r.WeightsHash)) : double.NaN, deep ? deepEpochs : double.NaN,
            affordable?[0].Round ?? -1, affordable?.Average(g => g.Density) ?? double.NaN,
            affordable?.Max(g => g.Runs.Count * TicketEpochs(g.Round)) ?? double.NaN,
            affordable is null ? null : SeedSummary.Of(InitUnit, affordable.Select(EnsembleAccuracy).ToList()));
    }

    /// <summary>One round of one width, over its inits (or, with one init, over its tickets' data-order seeds).</summary>
    private SeedLevelRow SeedLevel(IReadOnlyList<Group> inits, IReadOnlyList<Group> all, IReadOnlyList<RunResult> runs)
    {
        var first = inits[0];
        var dense = inits.Select(g => DenseTestAccuracy(g, all, runs)).ToList();
        var ensembles = inits.Select(EnsembleAccuracy).ToList();
        var members = inits.Count >= 2
            ? SeedSummary.Of(InitUnit, inits.Select(g => g.Runs.Average(r => r.Metrics.TestAccuracy)).ToList())
            : SeedSummary.Of(SeedUnit, first.Runs.Select(r => r.Metrics.TestAccuracy).ToList());
        return new SeedLevelRow(first.WidthIndex, first.Width, first.Round, inits.Average(g => g.Density),
            DenseSource(inits, runs), members, SeedSummary.Of(InitUnit, ensembles),
            SeedSummary.Of(InitUnit, ensembles.Zip(dense, (e, d) => e - d).ToList()));
    }

    /// <summary>An init's dense net: its converged baseline, or without one the mean of its tickets' round-0 nets.</summary>
    private double DenseTestAccuracy(Group g, IReadOnlyList<Group> all, IReadOnlyList<RunResult> runs) =>
        ConvergedDense(runs, g.WidthIndex, g.Init!.Value)?.Metrics.TestAccuracy
        ?? all.Where(o => o.WidthIndex == g.WidthIndex && o.Init == g.Init && o.Kind == RunKind.Ticket && o.Round == 0)
            .SelectMany(o => o.Runs).Average(r => r.Metrics.TestAccuracy);

    private string DenseSource(IReadOnlyList<Group> inits, IReadOnlyList<RunResult> runs) =>
        inits.All(g => ConvergedDense(runs, g.WidthIndex, g.Init!.Value) is not null) ? ConvergedSource : RoundZeroSource;

    /// <summary>
    /// One pruned round of one width: tickets against each kind of control and against the dense net, every
    /// difference taken within an init (two or more inits) or within a ticket (one init) before it is summarised.
    /// </summary>
    private ControlGapRow ControlGaps(IReadOnlyList<Group> inits, IReadOnlyList<Group> all, IReadOnlyList<RunResult> runs)
    {
        var first = inits[0];
        var byInit = inits.Count >= 2;
        var unit = byInit ? InitUnit : SeedUnit;
        static double Accuracy(IEnumerable<RunResult> group) => group.Average(r => r.Metrics.TestAccuracy);
        // With one init, every ticket is a unit: its own run against the run of another kind trained on its mask.
        IEnumerable<(double Ticket, double Other)> Pairs(Group tickets, Group other) => byInit
            ? [(Accuracy(tickets.Runs), Accuracy(other.Runs))]
            : tickets.Runs.Join(other.Runs, t => t.Unit.Ticket, o => o.Unit.Ticket,
                (t, o) => (t.Metrics.TestAccuracy, o.Metrics.TestAccuracy));
        var ticketValues = byInit
            ? inits.Select(g => Accuracy(g.Runs)).ToList()
            : first.Runs.Select(r => r.Metrics.TestAccuracy).ToList();
        var dense = byInit
            ? inits.Select(g => Accuracy(g.Runs) - DenseTestAccuracy(g, all, runs)).ToList()
            : first.Runs.Select(r => r.Metrics.TestAccuracy - DenseTestAccuracy(first, all, runs)).ToList();
        var controls = all.Where(o => o.WidthIndex == first.WidthIndex && o.Round == first.Round && o.Kind != RunKind.Ticket)
            .GroupBy(o => o.Kind).OrderBy(k => k.Key)
            .Select(kind =>
            {
                var pairs = inits.SelectMany(t => kind.Where(o => o.Init == t.Init).SelectMany(o => Pairs(t, o))).ToList();
                return new ControlGap(kind.Key, SeedSummary.Of(unit, pairs.Select(p => p.Other).ToList()),
                    SeedSummary.Of(unit, pairs.Select(p => p.Ticket - p.Other).ToList()));
            }).ToList();
        return new ControlGapRow(first.WidthIndex, first.Width, first.Round, inits.Average(g => g.Density),
            DenseSource(inits, runs), SeedSummary.Of(unit, ticketValues), SeedSummary.Of(unit, dense), controls);
    }

    private InitMixRow? InitMix(IReadOnlyList<Group> inits)
    {
        var members = inits.SelectMany(g => Outputs(g).Select(o => (Init: g.Init!.Value, o.TestLogits))).ToList();
        var initOf = members.Select(m => m.Init).ToList();
        var size = InitEnsembles.ComparableSize(initOf);
        if (size < 2)
            return null;
        double Accuracy(IReadOnlyList<int> ensemble) =>
            EnsembleMath.LogitAverageAccuracy(ensemble.Select(i => members[i].TestLogits).ToList(), testLabels);
        var first = inits[0];
        return new InitMixRow(first.WidthIndex, first.Width, first.Round, inits.Average(g => g.Density), size,
            SeedSummary.Of(InitUnit, InitEnsembles.WithinInit(initOf, size).Select(Accuracy).ToList()),
            SeedSummary.Of(PositionUnit, InitEnsembles.AcrossInits(initOf, size).Select(Accuracy).ToList()));
    }

    /// <summary>
    /// Two pools per round: across tickets (the tickets' weights at this round), and along each ticket's IMP path
    /// (this round with the denser round before it, the adjacent-sparsity pool of Lottery Pools).
    /// </summary>
    private IEnumerable<PoolRow> Pools(Group g, IReadOnlyList<Group> all)
    {
        var alphas = WeightPooling.AlphaGrid(options.PoolingAlphaStep);
        using var network = runner.CreateNetwork(g.Width);
        var evaluate = WeightPooling.EvaluatorFor(network, runner.Data);
        var memberAccuracy = Spread.Of(g.Runs.Select(r => r.Metrics.TestAccuracy).ToList());
        var memberCost = g.Runs.Average(r => (double)Cost(r.WeightsHash));

        var across = PoolOf(g.Runs, evaluate, alphas);
        // Pooling keeps the architecture, so a pool has its members' biases on top of its own non-zero weights.
        var biases = Cost(g.Runs[0].WeightsHash) - NonZeroWeights(g.Runs[0].WeightsHash);
        yield return new PoolRow(g.WidthIndex, g.Width, g.Init!.Value, g.Round, g.Density, "across-tickets",
            Spread.Of([across.TestAccuracy]), Spread.Of([across.StartTestAccuracy]), memberAccuracy,
            across.NonZeroWeights + biases, memberCost);

        var before = all.FirstOrDefault(o => o.WidthIndex == g.WidthIndex && o.Init == g.Init && o.Kind == RunKind.Ticket
                                             && o.Round == g.Round - 1);
        if (before is null)
            yield break;
        var adjacent = g.Runs.Select(run => before.Runs.FirstOrDefault(b => b.Unit.Ticket == run.Unit.Ticket) is { } denser
            ? PoolOf([run, denser], evaluate, alphas) : null).OfType<PooledTicket>().ToList();
        yield return new PoolRow(g.WidthIndex, g.Width, g.Init!.Value, g.Round, g.Density, "adjacent-sparsity",
            Spread.Of(adjacent.Select(p => p.TestAccuracy).ToList()),
            Spread.Of(adjacent.Select(p => p.StartTestAccuracy).ToList()), memberAccuracy,
            adjacent.Average(p => (double)p.NonZeroWeights) + biases, memberCost);
    }

    private PooledTicket PoolOf(IReadOnlyList<RunResult> members, WeightEvaluator evaluate, IReadOnlyList<double> alphas)
    {
        var weights = members.Select(r => (IReadOnlyDictionary<string, Tensor>)runner.Store.Get(r.WeightsHash)).ToList();
        try
        {
            return WeightPooling.Pool(weights, evaluate, validationLabels, testLabels, alphas);
        }
        finally
        {
            weights.ForEach(w => w.DisposeAll());
        }
    }

    /// <summary>
    /// The census of one width: every init's dense nets (converged baseline, round-0 nets) and, per pruned round, its
    /// tickets and controls.
    /// </summary>
    private IReadOnlyList<CensusCount> Census(int widthIndex, IReadOnlyList<RunResult> runs)
    {
        var spec = runner.Spec;
        var width = runs.Where(r => r.Unit.Ticket.WidthIndex == widthIndex).ToList();
        int InitOf(RunResult r) => spec.InitOf(r.Unit.Ticket).Index;
        var dense = CensusDense(spec, runs, widthIndex, options.Selection);
        var levels = width.Where(r => r.Unit.Kind != RunKind.DenseBaseline && r.Unit.Round > 0)
            .GroupBy(r => r.Unit.Round).Where(l => l.Any(r => r.Unit.Kind == RunKind.Ticket)).OrderBy(l => l.Key)
            .Select(l => new CensusLevel<string>(l.Key,
                l.Where(r => r.Unit.Kind == RunKind.Ticket).Average(r => r.Density),
                l.Select(r => new CensusRun<string>(r.Unit.Kind, r.Unit.Ticket.Index, InitOf(r),
                    RunScores.Validation(r.Metrics, options.Selection), RunScores.Test(r.Metrics, options.Selection),
                    r.Unit.MaskHash)).ToList()))
            .ToList();
        return dense.Count == 0
            ? []
            : TicketCensus.Count(new CensusWidth<string>(spec.Model.Widths[widthIndex], dense, levels),
                options.Census, (a, b) => MaskOverlap.Jaccard(Mask(a), Mask(b)).Overall);
    }

    private List<MemberOutputs> Outputs(Group g) => g.Runs.Select(r => Output(r, g.Width)).ToList();

    private MemberOutputs Output(RunResult run, double width)
    {
        if (!outputs.TryGetValue(run.Unit, out var o))
            outputs[run.Unit] = o = MemberOutputs.Compute(runner, width, run.WeightsHash);
        return o;
    }

    /// <summary>Parameters a network evaluates per example: its non-zero weights and all its biases.</summary>
    private long Cost(string weightsHash) => Counts(weightsHash).Parameters;

    private long NonZeroWeights(string weightsHash) => Counts(weightsHash).NonZeroWeights;

    private (long NonZeroWeights, long Parameters) Counts(string weightsHash)
    {
        if (costs.TryGetValue(weightsHash, out var counts))
            return counts;
        var weights = runner.Store.Get(weightsHash);
        try
        {
            var nonZero = WeightPooling.NonZeroWeights(weights);
            var biases = weights.Where(p => !p.Key.EndsWith(".weight", StringComparison.Ordinal)).Sum(p => p.Value.numel());
            return costs[weightsHash] = (nonZero, nonZero + biases);
        }
        finally
        {
            weights.DisposeAll();
        }
    }

    private Mask MaskOf(RunResult run) => Mask(run.Unit.MaskHash);

    private Mask Mask(string hash)
    {
        if (!masks.TryGetValue(hash, out var mask))
            masks[hash] = mask = runner.GetMask(hash);
        return mask;
    }

    private bool[] EnsembleCorrect(IReadOnlyList<Tensor> logits)
    {
        using var predictions = EnsembleMath.LogitAverage(logits);
        using var correct = predictions.eq(testLabels);
        return correct.data<bool>().ToArray();
    }

    public void Dispose()
    {
        foreach (var o in outputs.Values)
            o.Dispose();
        foreach (var m in masks.Values)
            m.Dispose();
        validationLabels.Dispose();
        testLabels.Dispose();
    }
}
