using LotteryActors.Training.Analysis;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Ensembles;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Analysis;

/// <summary>
/// The comparison over a search with 3 independent inits of 2 tickets each (synthetic data, LeNet at width 0.25,
/// 2 rounds, no controls) and a converged dense baseline per init. Every number the analysis reports about inits is
/// recomputed here from the runs, by ticket id, so an ensemble that silently took its members from one init, or a
/// dense net taken from another init, fails.
/// </summary>
public sealed class SearchAnalyzerInitsTests : IDisposable
{
    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly TempDirectory temp = new();
    private readonly SearchSpec spec = SyntheticSpec.Search() with
    {
        TicketsPerWidth = 2,
        InitsPerWidth = 3,
        Controls = new ControlsSpec(false, false),
        Baseline = new DenseBaselineSpec(Epochs: 20, Patience: 3),
    };
    private readonly ImpRunner runner;
    private readonly List<RunResult> runs = [];
    private readonly SearchAnalysis analysis;

    public SearchAnalyzerInitsTests()
    {
        set_num_threads(1);
        runner = new ImpRunner(spec, data, new ArtifactStore(temp.Path));
        foreach (var ticket in spec.Tickets())
        {
            var init = runner.DrawInit(spec.InitOf(ticket));
            var dense = runner.DenseMask(init);
            var mine = new List<RunResult>();
            while (TicketSchedule.NextUnit(spec, ticket, init, dense, mine) is { } unit)
                mine.Add(runner.Run(unit));
            runs.AddRange(mine);
        }
        using var analyzer = new SearchAnalyzer(runner, AnalysisOptions.Default with { BootstrapResamples = 50 });
        analysis = analyzer.Analyze(spec.SearchId, runs);
    }

    public void Dispose()
    {
        data.Dispose();
        temp.Dispose();
    }

    private RunResult Run(int ticket, int round, RunKind kind = RunKind.Ticket) =>
        runs.Single(r => r.Unit.Ticket == new TicketId(0, ticket) && r.Unit.Round == round && r.Unit.Kind == kind);

    private RunResult Converged(int init) => Run(2 * init, 0, RunKind.DenseBaseline);

    /// <summary>Test accuracy of the logit average of the named runs, computed from their stored weights.</summary>
    private double Ensemble(params RunResult[] members)
    {
        var outputs = members.Select(m => MemberOutputs.Compute(runner, 0.25, m.WeightsHash)).ToList();
        try
        {
            return EnsembleMath.LogitAverageAccuracy(outputs.Select(o => o.TestLogits).ToList(), data.Test.Labels);
        }
        finally
        {
            outputs.ForEach(o => o.Dispose());
        }
    }

    [Fact]
    public void Tickets_are_compared_with_their_own_inits_converged_net_init_by_init()
    {
        Assert.Equal([1, 2], analysis.ControlGaps.Select(r => r.Round));
        foreach (var row in analysis.ControlGaps)
        {
            var differences = Enumerable.Range(0, 3).Select(init =>
                (Run(2 * init, row.Round).Metrics.TestAccuracy + Run(2 * init + 1, row.Round).Metrics.TestAccuracy) / 2
                - Converged(init).Metrics.TestAccuracy).ToList();
            Assert.Equal((SearchAnalyzer.InitUnit, 3), (row.TicketMinusDense.Unit, row.TicketMinusDense.N));
            Assert.Equal(SearchAnalyzer.ConvergedSource, row.DenseSource);
            Assert.Equal(differences.Average(), row.TicketMinusDense.Mean, 12);
            Assert.Equal(Statistics.SampleStandardDeviation(differences), row.TicketMinusDense.StandardDeviation, 12);
            Assert.Empty(row.Controls);
        }
    }

    [Fact]
    public void Tickets_start_from_their_own_init_and_each_init_trains_one_converged_baseline()
    {
        var starts = Enumerable.Range(0, 6).Select(t => Run(t, 0).Unit.StartHash).ToList();
        Assert.Equal(3, starts.Distinct().Count());
        Assert.Equal(starts[0], starts[1]);
        Assert.Equal(starts[2], starts[3]);
        Assert.Equal(starts[4], starts[5]);
        Assert.Equal([0, 2, 4], runs.Where(r => r.Unit.Kind == RunKind.DenseBaseline).Select(r => r.Unit.Ticket.Index).Order());
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(starts[2 * i], Converged(i).Unit.StartHash));
    }

    [Fact]
    public void Ticket_ensembles_are_built_within_one_init()
    {
        foreach (var row in analysis.Ensembles.Where(e => e.Kind == RunKind.Ticket))
        {
            var init = row.Init!.Value;
            Assert.Equal(2, row.Members);
            Assert.Equal(new[] { Run(2 * init, row.Round), Run(2 * init + 1, row.Round) }.Select(r => r.Metrics.TestAccuracy),
                row.MemberTestAccuracy.Values);
            Assert.Equal(Ensemble(Run(2 * init, row.Round), Run(2 * init + 1, row.Round)),
                row.Method(SearchAnalyzer.LogitAverage).TestAccuracy, 12);
        }
        Assert.Equal(3 * 3, analysis.Ensembles.Count(e => e.Kind == RunKind.Ticket));
    }

    [Fact]
    public void The_deep_ensemble_is_the_converged_dense_nets_of_the_three_inits()
    {
        var deep = analysis.Ensembles.Single(e => e.Kind == RunKind.DenseBaseline);
        Assert.Null(deep.Init);
        Assert.Equal(3, deep.Members);
        var expected = Ensemble(Converged(0), Converged(1), Converged(2));
        Assert.Equal(expected, deep.Method(SearchAnalyzer.LogitAverage).TestAccuracy, 12);

        var row = Assert.Single(analysis.DenseBaselines);
        Assert.Equal(20, row.BudgetEpochs);
        Assert.Equal(expected, row.DeepEnsembleTestAccuracy, 12);
        Assert.Equal(Enumerable.Range(0, 3).Select(i => Converged(i).Metrics.EarlyStopIteration / 10.0), row.PeakEpoch.Values);
        Assert.Equal(Enumerable.Range(0, 3).Select(i => Converged(i).Metrics.Iterations / 10.0), row.EpochsTrained.Values);
        Assert.All(row.EpochsTrained.Values, e => Assert.InRange(e, 0.5, 20));
        Assert.Equal(row.EpochsTrained.Values.Sum(), row.DeepEnsembleEpochs, 12);
        Assert.Equal(3 * row.Cost, row.DeepEnsembleCost, 6);
        // Equal compute: the deepest round whose 2-ticket ensembles cost 2 x (round + 1) x 3 epochs at most.
        var affordable = Enumerable.Range(0, 3).Where(r => 2 * (r + 1) * 3 <= row.DeepEnsembleEpochs).DefaultIfEmpty(-1).Max();
        Assert.Equal(affordable, row.EqualComputeRound);
        if (affordable >= 0)
            Assert.Equal(Enumerable.Range(0, 3).Average(i => Ensemble(Run(2 * i, affordable), Run(2 * i + 1, affordable))),
                row.EqualComputeTicketEnsembleTestAccuracy!.Mean, 12);
        else
            Assert.Null(row.EqualComputeTicketEnsembleTestAccuracy);
    }

    [Fact]
    public void Within_and_across_init_ensembles_take_their_members_by_init()
    {
        Assert.Equal(3, analysis.InitMix.Count);
        foreach (var row in analysis.InitMix)
        {
            var r = row.Round;
            Assert.Equal(2, row.Size);
            var within = Enumerable.Range(0, 3).Select(i => Ensemble(Run(2 * i, r), Run(2 * i + 1, r))).ToList();
            // Across: the first ticket of init 0 with the first of init 1; the second of init 1 with the second of init 2.
            var across = new[] { Ensemble(Run(0, r), Run(2, r)), Ensemble(Run(3, r), Run(5, r)) };
            Assert.Equal((SearchAnalyzer.InitUnit, 3), (row.WithinInit.Unit, row.WithinInit.N));
            Assert.Equal(within.Average(), row.WithinInit.Mean, 12);
            Assert.Equal(Statistics.SampleStandardDeviation(within), row.WithinInit.StandardDeviation, 12);
            Assert.Equal(across.Average(), row.AcrossInits.Mean, 12);
            Assert.Equal(2, row.AcrossInits.N);
        }
    }

    [Fact]
    public void Comparisons_against_dense_use_the_converged_baseline_of_the_same_init()
    {
        Assert.Equal(3, analysis.Baselines.Count);
        foreach (var row in analysis.Baselines)
        {
            Assert.Equal(SearchAnalyzer.ConvergedSource, row.DenseSource);
            Assert.Equal(Converged(row.Init).Metrics.TestAccuracy, row.DenseTestAccuracy, 9);
            Assert.Equal(Converged(row.Init).Metrics.Iterations / 10.0, row.DenseEpochs, 12);
            Assert.Equal(Ensemble(Run(2 * row.Init, 0), Run(2 * row.Init + 1, 0)), row.SameInitEnsembleTestAccuracy, 12);
        }
        foreach (var row in analysis.SeedLevel)
        {
            var gains = Enumerable.Range(0, 3)
                .Select(i => Ensemble(Run(2 * i, row.Round), Run(2 * i + 1, row.Round)) - Converged(i).Metrics.TestAccuracy)
                .ToList();
            Assert.Equal(SearchAnalyzer.ConvergedSource, row.DenseSource);
            Assert.Equal((SearchAnalyzer.InitUnit, 3), (row.EnsembleGainOverDense.Unit, row.EnsembleGainOverDense.N));
            Assert.Equal(gains.Average(), row.EnsembleGainOverDense.Mean, 9);
            Assert.Equal(Statistics.SampleStandardDeviation(gains), row.EnsembleGainOverDense.StandardDeviation, 9);
        }
    }

    [Fact]
    public void The_census_judges_each_ticket_against_its_own_inits_converged_baseline_within_the_round_zero_spread()
    {
        Assert.Equal([1, 2], analysis.Census.Select(c => c.Round));
        // Every run is judged at its best validation evaluation (the default selection), the baseline's own rule.
        // Two round-0 nets per init: squares (a - b)^2 / 2 each, pooled over 3 degrees of freedom.
        double Gap(int init) =>
            Run(2 * init, 0).Metrics.BestValidationAccuracy - Run(2 * init + 1, 0).Metrics.BestValidationAccuracy;
        var spread = Math.Sqrt(Enumerable.Range(0, 3).Sum(i => Gap(i) * Gap(i) / 2) / 3);
        foreach (var census in analysis.Census)
        {
            Assert.Equal(SearchAnalyzer.ConvergedSource, census.Reference.Source);
            Assert.Equal(Enumerable.Range(0, 3).Select(i => Converged(i).Metrics.BestValidationAccuracy),
                census.Reference.Inits.Select(i => i.ValidationAccuracy));
            Assert.Equal((6, 3), (census.Reference.SpreadRuns, census.Reference.SpreadDegreesOfFreedom));
            Assert.Equal(spread, census.Reference.Epsilon, 12);
            Assert.Equal(Enumerable.Range(0, 6).Where(t => Run(t, census.Round).Metrics.BestValidationAccuracy
                    >= Converged(t / 2).Metrics.BestValidationAccuracy - spread), census.WinningTickets);
            Assert.Equal([2, 2, 2], census.Inits.Select(i => i.Candidates));
        }
    }

    [Fact]
    public void The_headline_family_pairs_each_ticket_with_its_inits_baseline_at_its_early_stop_and_adds_the_ensemble()
    {
        var rows = analysis.Headlines;

        Assert.Equal([HeadlineFamily.TicketMinusDense, HeadlineFamily.EnsembleMinusDense],
            rows.Select(h => h.Comparison));
        var round = analysis.Census.Single(c => c.Headline).Round;
        Assert.All(rows, h => Assert.Equal(round, h.Round));
        Assert.Equal(Enumerable.Range(0, 6).Select(t => Run(t, round).Metrics.TestAccuracyAtEarlyStop
                - Converged(t / 2).Metrics.TestAccuracy),
            rows[0].Result.ByInit.SelectMany(v => v));
        for (var i = 0; i < 3; i++)
            Assert.Equal(Ensemble(Run(2 * i, round), Run(2 * i + 1, round)) - Converged(i).Metrics.TestAccuracy,
                Assert.Single(rows[1].Result.ByInit[i]), 9);
        Assert.Equal(InitInference.Holm(rows.Select(h => h.P).ToList()), rows.Select(h => h.HolmP));
    }

    [Fact]
    public void The_selected_member_is_chosen_on_validation_where_test_would_choose_another()
    {
        var discriminating = 0;
        foreach (var row in analysis.Ensembles)
        {
            var members = row.Kind == RunKind.DenseBaseline
                ? Enumerable.Range(0, 3).Select(Converged).ToList()
                : [Run(2 * row.Init!.Value, row.Round), Run(2 * row.Init!.Value + 1, row.Round)];
            var onValidation = members.First(r => r.Metrics.ValidationAccuracy == members.Max(m => m.Metrics.ValidationAccuracy));
            var onTest = members.First(r => r.Metrics.TestAccuracy == members.Max(m => m.Metrics.TestAccuracy));
            Assert.Equal(onValidation.Metrics.TestAccuracy, row.SelectedMemberTestAccuracy, 9);
            if (onValidation.Metrics.TestAccuracy != onTest.Metrics.TestAccuracy)
                discriminating++;
        }
        // Rows where choosing on test would give another number: without them this test could not catch it.
        Assert.True(discriminating > 0, "no row tells validation from test selection apart");
    }
}
