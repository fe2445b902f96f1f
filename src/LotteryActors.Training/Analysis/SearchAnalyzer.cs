using LotteryActors.Training.Ensembles;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Pruning;
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

    private readonly ImpRunner runner;
    private readonly AnalysisOptions options;
    private readonly Dictionary<WorkUnit, MemberOutputs> outputs = [];
    private readonly Dictionary<string, long> costs = [];
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
        var groups = runs.GroupBy(r => (r.Unit.Ticket.WidthIndex, r.Unit.Kind, r.Unit.Round))
            .OrderBy(g => g.Key.WidthIndex).ThenBy(g => g.Key.Kind).ThenBy(g => g.Key.Round)
            .Select(g => new Group(g.Key.WidthIndex, spec.Model.Widths[g.Key.WidthIndex], g.Key.Kind, g.Key.Round,
                g.OrderBy(r => r.Unit.Ticket.Index).ToList()))
            .ToList();
        var ensembleGroups = groups.Where(g => g.Runs.Count >= 2).ToList();
        var ticketGroups = ensembleGroups.Where(g => g.Kind == RunKind.Ticket).ToList();
        var pairs = ticketGroups.SelectMany(Pairs).ToList();
        var varied = pairs.Where(p => p.Round > 0).ToList();
        return new SearchAnalysis(
            searchId,
            spec.Name,
            options,
            groups.Select(g => new CurvePoint(g.WidthIndex, g.Width, g.Kind, g.Round, g.Density,
                Spread.Of(g.Runs.Select(r => r.Metrics.TestAccuracy).ToList()))).ToList(),
            ensembleGroups.Select(Ensemble).ToList(),
            ticketGroups.Select(g => new SizeCurve(g.WidthIndex, g.Width, g.Kind, g.Round, g.Density,
                GreedyEnsemble.Select(Outputs(g), validationLabels, testLabels))).ToList(),
            ticketGroups.Select(g => Diversity(g, pairs)).ToList(),
            pairs,
            GainCorrelation(varied, p => p.Disagreement),
            GainCorrelation(varied, p => p.MaskJaccard),
            varied.Count,
            WithinLevels(varied, p => p.Disagreement),
            WithinLevels(varied, p => p.MaskJaccard),
            ticketGroups.GroupBy(g => g.WidthIndex).Select(w => Baseline(w.ToList())).OfType<BaselineRow>().ToList(),
            ticketGroups.SelectMany(g => Pools(g, groups)).ToList(),
            ticketGroups.GroupBy(g => g.WidthIndex).Select(w => Census(w.ToList())).ToList());
    }

    private static double GainCorrelation(IReadOnlyList<TicketPair> pairs, Func<TicketPair, double> diversity) =>
        Statistics.PearsonCorrelation(pairs.Select(diversity).ToList(), pairs.Select(p => p.PairEnsembleGain).ToList());

    private static double WithinLevels(IReadOnlyList<TicketPair> pairs, Func<TicketPair, double> diversity)
    {
        var levels = pairs.GroupBy(p => (p.WidthIndex, p.Round))
            .Select(level => GainCorrelation(level.ToList(), diversity)).Where(r => !double.IsNaN(r)).ToList();
        return levels.Count == 0 ? double.NaN : levels.Average();
    }

    private sealed record Group(int WidthIndex, double Width, RunKind Kind, int Round, IReadOnlyList<RunResult> Runs)
    {
        public double Density => Runs.Average(r => r.Density);
    }

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
        return new EnsembleRow(g.WidthIndex, g.Width, g.Kind, g.Round, g.Density, g.Runs.Count,
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
            yield return new TicketPair(g.WidthIndex, g.Round, g.Runs[a].Unit.Ticket.Index, g.Runs[b].Unit.Ticket.Index,
                MaskOverlap.Jaccard(MaskOf(g.Runs[a]), MaskOf(g.Runs[b])).Overall,
                MaskOverlap.ChanceJaccard(MaskOf(g.Runs[a]), MaskOf(g.Runs[b])),
                PredictionDiversity.Disagreement(members[a].TestLogits, members[b].TestLogits),
                PredictionDiversity.SymmetricKl(members[a].TestLogits, members[b].TestLogits),
                pairAccuracy - meanAccuracy);
        }
    }

    private DiversityRow Diversity(Group g, IReadOnlyList<TicketPair> allPairs)
    {
        var pairs = allPairs.Where(p => p.WidthIndex == g.WidthIndex && p.Round == g.Round).ToList();
        var groupMasks = g.Runs.Select(MaskOf).ToList();
        var matrix = MaskOverlap.PairwiseJaccard(groupMasks);
        var perLayer = groupMasks[0].Layers.Keys.ToDictionary(layer => layer, layer =>
            Enumerable.Range(0, groupMasks.Count).SelectMany(a => Enumerable.Range(a + 1, groupMasks.Count - a - 1)
                .Select(b => MaskOverlap.Jaccard(groupMasks[a], groupMasks[b]).PerLayer[layer])).Average());
        return new DiversityRow(g.WidthIndex, g.Width, g.Round, g.Density, pairs.Average(p => p.MaskJaccard),
            pairs.Average(p => p.ChanceJaccard), perLayer,
            pairs.Average(p => p.Disagreement), pairs.Average(p => p.SymmetricKl),
            Enumerable.Range(0, groupMasks.Count).Select(i => Enumerable.Range(0, groupMasks.Count).Select(j => matrix[i, j]).ToArray()).ToArray());
    }

    private BaselineRow? Baseline(IReadOnlyList<Group> width)
    {
        var dense = width.FirstOrDefault(g => g.Round == 0);
        if (dense is null)
            return null;
        var k = dense.Runs.Count;
        var equal = width.Where(g => g.Round > 0).MinBy(g => Math.Abs(g.Density - 1.0 / k)) ?? dense;
        var denseOutputs = Outputs(dense);
        var denseCost = dense.Runs.Average(r => (double)Cost(r.WeightsHash));
        var equalOutputs = Outputs(equal);
        var equalCorrect = EnsembleCorrect(equalOutputs.Select(m => m.TestLogits).ToList());
        var selectedDense = Statistics.Correct(denseOutputs[MemberOutputs.SelectOnValidation(denseOutputs, validationLabels)].TestLogits, testLabels);
        return new BaselineRow(dense.WidthIndex, dense.Width, k,
            Spread.Of(dense.Runs.Select(r => r.Metrics.TestAccuracy).ToList()),
            selectedDense.Count(c => c) / (double)selectedDense.Length, denseCost,
            EnsembleMath.LogitAverageAccuracy(denseOutputs.Select(m => m.TestLogits).ToList(), testLabels), denseCost * k,
            equal.Round, equal.Density, equalCorrect.Count(c => c) / (double)equalCorrect.Length,
            equal.Runs.Sum(r => (double)Cost(r.WeightsHash)),
            Statistics.PairedAccuracyDifference(equalCorrect, selectedDense, options.BootstrapResamples));
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
        yield return new PoolRow(g.WidthIndex, g.Width, g.Round, g.Density, "across-tickets",
            Spread.Of([across.TestAccuracy]), Spread.Of([across.StartTestAccuracy]), memberAccuracy,
            across.NonZeroWeights, memberCost);

        var before = all.FirstOrDefault(o => o.WidthIndex == g.WidthIndex && o.Kind == RunKind.Ticket && o.Round == g.Round - 1);
        if (before is null)
            yield break;
        var adjacent = g.Runs.Select(run => before.Runs.FirstOrDefault(b => b.Unit.Ticket == run.Unit.Ticket) is { } denser
            ? PoolOf([run, denser], evaluate, alphas) : null).OfType<PooledTicket>().ToList();
        yield return new PoolRow(g.WidthIndex, g.Width, g.Round, g.Density, "adjacent-sparsity",
            Spread.Of(adjacent.Select(p => p.TestAccuracy).ToList()),
            Spread.Of(adjacent.Select(p => p.StartTestAccuracy).ToList()), memberAccuracy,
            adjacent.Average(p => (double)p.NonZeroWeights), memberCost);
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

    private CensusCount Census(IReadOnlyList<Group> width)
    {
        var tickets = width.SelectMany(g => g.Runs).GroupBy(r => r.Unit.Ticket.Index).OrderBy(t => t.Key)
            .Select(t => (IReadOnlyList<CensusRound<string>>)t.OrderBy(r => r.Unit.Round)
                .Select(r => new CensusRound<string>(r.Density, r.Metrics.ValidationAccuracy, r.Metrics.TestAccuracy,
                    r.Unit.MaskHash)).ToList())
            .ToList();
        var dense = width.First(g => g.Round == 0).Runs.Select(r => r.Metrics.ValidationAccuracy).ToList();
        return TicketCensus.Count(new CensusWidth<string>(width[0].Width, dense, tickets), options.Census,
            (a, b) => MaskOverlap.Jaccard(Mask(a), Mask(b)).Overall);
    }

    private List<MemberOutputs> Outputs(Group g) => g.Runs.Select(r =>
    {
        if (!outputs.TryGetValue(r.Unit, out var o))
            outputs[r.Unit] = o = MemberOutputs.Compute(runner, g.Width, r.WeightsHash);
        return o;
    }).ToList();

    private long Cost(string weightsHash)
    {
        if (costs.TryGetValue(weightsHash, out var cost))
            return cost;
        var weights = runner.Store.Get(weightsHash);
        try
        {
            return costs[weightsHash] = WeightPooling.NonZeroWeights(weights);
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
