using LotteryActors.Training.Analysis;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Analysis;

/// <summary>
/// The whole comparison over a real (synthetic-data) search: 3 tickets of LeNet at width 0.25, 2 rounds at 20%
/// with both controls. Checks the analysis's own decisions against the runs it was given.
/// </summary>
public sealed class SearchAnalyzerTests : IDisposable
{
    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly TempDirectory temp = new();
    private readonly SearchSpec spec = SyntheticSpec.Search() with { TicketsPerWidth = 3 };
    private readonly ImpRunner runner;
    private readonly List<RunResult> runs = [];
    private readonly SearchAnalysis analysis;

    public SearchAnalyzerTests()
    {
        set_num_threads(1);
        runner = new ImpRunner(spec, data, new ArtifactStore(temp.Path));
        var init = runner.DrawInit(0);
        var dense = runner.DenseMask(init);
        foreach (var ticket in spec.Tickets())
        {
            var mine = new List<RunResult>();
            while (TicketSchedule.NextUnit(spec, ticket, init, dense, mine) is { } unit)
                mine.Add(runner.Run(unit));
            runs.AddRange(mine);
        }
        using var analyzer = new SearchAnalyzer(runner, AnalysisOptions.Default with { BootstrapResamples = 200 });
        analysis = analyzer.Analyze(spec.SearchId, runs);
    }

    public void Dispose()
    {
        data.Dispose();
        temp.Dispose();
    }

    private IEnumerable<RunResult> Runs(RunKind kind, int round) => runs.Where(r => r.Unit.Kind == kind && r.Unit.Round == round);

    [Fact]
    public void Curves_summarise_the_runs_of_every_kind_and_round()
    {
        Assert.Equal(7, analysis.Curves.Count);
        foreach (var point in analysis.Curves)
        {
            var accuracies = Runs(point.Kind, point.Round).Select(r => r.Metrics.TestAccuracy).ToList();
            Assert.Equal(accuracies, point.TestAccuracy.Values);
            Assert.Equal(accuracies.Average(), point.TestAccuracy.Mean, 12);
        }
    }

    [Fact]
    public void Ensembles_select_on_validation_and_cost_every_member()
    {
        foreach (var row in analysis.Ensembles)
        {
            var members = Runs(row.Kind, row.Round).ToList();
            Assert.Equal(3, row.Members);
            Assert.Equal(SelectedOnValidation(members).Metrics.TestAccuracy, row.SelectedMemberTestAccuracy, 12);
            Assert.Equal(3 * row.MemberCost, row.EnsembleCost, 6);
            Assert.Equal(["logit-average", "probability-average", "majority-vote"], row.Methods.Select(m => m.Method));
            var logit = row.Method(SearchAnalyzer.LogitAverage);
            Assert.InRange(logit.TestAccuracy, logit.Accuracy.Lower, logit.Accuracy.Upper);
            Assert.Equal(logit.TestAccuracy - row.SelectedMemberTestAccuracy, logit.GainOverSelectedMember.Difference.Estimate, 12);
            Assert.True(double.IsNaN(row.Method(SearchAnalyzer.MajorityVote).ExpectedCalibrationError));
        }
        var dense = analysis.Ensembles.Single(e => e.Kind == RunKind.Ticket && e.Round == 0);
        Assert.Equal(0, dense.Init);
        // 36-75-25-10 at width 0.25: 4825 weights and 75 + 25 + 10 biases, the output layer's included.
        Assert.Equal(4825 + 110, dense.MemberCost, 6);
    }

    [Fact]
    public void Equal_budget_uses_the_round_whose_density_is_nearest_one_over_k()
    {
        var baseline = Assert.Single(analysis.Baselines);
        Assert.Equal((3, 0), (baseline.Tickets, baseline.Init));
        var nearest = Runs(RunKind.Ticket, 1).Concat(Runs(RunKind.Ticket, 2)).MinBy(r => Math.Abs(r.Density - 1.0 / 3))!;
        Assert.Equal(nearest.Unit.Round, baseline.EqualBudgetRound);
        Assert.Equal(3 * baseline.DenseCost, baseline.SameInitEnsembleCost, 6);
        Assert.Equal(Runs(RunKind.Ticket, 0).Average(r => r.Metrics.TestAccuracy), baseline.RoundZeroTestAccuracy.Mean, 12);
        // No converged baseline in this spec: the dense net is the round-0 net chosen on validation.
        Assert.Equal(SearchAnalyzer.RoundZeroSource, baseline.DenseSource);
        Assert.Equal(SelectedOnValidation(Runs(RunKind.Ticket, 0)).Metrics.TestAccuracy, baseline.DenseTestAccuracy, 12);
        Assert.Equal(baseline.EqualBudgetEnsembleTestAccuracy - baseline.DenseTestAccuracy,
            baseline.EqualBudgetGainOverDense.Difference.Estimate, 12);
        // Compute: one round of 3 epochs for the dense net, 3 tickets x (round + 1) rounds for the tickets.
        Assert.Equal(3, baseline.DenseEpochs, 12);
        Assert.Equal(3 * (baseline.EqualBudgetRound + 1) * 3, baseline.EqualBudgetEnsembleEpochs, 12);
    }

    /// <summary>The run with the best final validation accuracy, the first (by ticket) on a tie.</summary>
    private static RunResult SelectedOnValidation(IEnumerable<RunResult> runs)
    {
        var list = runs.OrderBy(r => r.Unit.Ticket.Index).ToList();
        return list.First(r => r.Metrics.ValidationAccuracy == list.Max(m => m.Metrics.ValidationAccuracy));
    }

    [Fact]
    public void With_one_init_the_headline_is_over_data_order_seeds_and_no_init_comparison_is_made()
    {
        Assert.Empty(analysis.InitMix);
        Assert.Empty(analysis.DenseBaselines);
        Assert.Equal(3, analysis.SeedLevel.Count);
        foreach (var row in analysis.SeedLevel)
        {
            var members = Runs(RunKind.Ticket, row.Round).Select(r => r.Metrics.TestAccuracy).ToList();
            Assert.Equal((SearchAnalyzer.SeedUnit, 3), (row.MemberTestAccuracy.Unit, row.MemberTestAccuracy.N));
            Assert.Equal(members.Average(), row.MemberTestAccuracy.Mean, 12);
            Assert.Equal(1, row.EnsembleTestAccuracy.N);
            var dense = Runs(RunKind.Ticket, 0).Average(r => r.Metrics.TestAccuracy);
            Assert.Equal(row.EnsembleTestAccuracy.Mean - dense, row.EnsembleGainOverDense.Mean, 12);
        }
    }

    [Fact]
    public void With_one_init_each_control_is_compared_with_the_ticket_whose_mask_it_was_given()
    {
        Assert.Equal([1, 2], analysis.ControlGaps.Select(r => r.Round));
        var dense = Runs(RunKind.Ticket, 0).Average(r => r.Metrics.TestAccuracy);
        foreach (var row in analysis.ControlGaps)
        {
            var tickets = Runs(RunKind.Ticket, row.Round).ToList();
            Assert.Equal((SearchAnalyzer.SeedUnit, 3), (row.TicketTestAccuracy.Unit, row.TicketTestAccuracy.N));
            Assert.Equal(SearchAnalyzer.RoundZeroSource, row.DenseSource);
            Assert.Equal(tickets.Average(r => r.Metrics.TestAccuracy) - dense, row.TicketMinusDense.Mean, 12);
            Assert.Equal([RunKind.RandomReinit, RunKind.RandomMask], row.Controls.Select(c => c.Kind));
            foreach (var control in row.Controls)
            {
                // Paired by ticket id: a control set against another ticket changes the spread, not the mean.
                var differences = tickets.Select(t => t.Metrics.TestAccuracy - Runs(control.Kind, row.Round)
                    .Single(o => o.Unit.Ticket == t.Unit.Ticket).Metrics.TestAccuracy).ToList();
                Assert.Equal(3, control.TicketMinusControl.N);
                Assert.Equal(differences.Average(), control.TicketMinusControl.Mean, 12);
                Assert.Equal(Statistics.SampleStandardDeviation(differences), control.TicketMinusControl.StandardDeviation, 12);
                Assert.Equal(Runs(control.Kind, row.Round).Average(r => r.Metrics.TestAccuracy), control.TestAccuracy.Mean, 12);
            }
        }
    }

    [Fact]
    public void Size_curves_grow_one_member_at_a_time_up_to_all_tickets()
    {
        Assert.Equal(3, analysis.SizeCurves.Count);
        Assert.All(analysis.SizeCurves, curve => Assert.Equal([1, 2, 3], curve.Steps.Select(s => s.Size)));
    }

    [Fact]
    public void Diversity_has_a_pair_per_ticket_pair_and_dense_masks_overlap_fully()
    {
        Assert.Equal(3 * 3, analysis.Pairs.Count);
        // Correlations leave round 0 out: its masks are all dense.
        Assert.Equal(3 * 2, analysis.CorrelationPairs);
        var dense = analysis.Diversity.Single(d => d.Round == 0);
        Assert.Equal(1.0, dense.MeanJaccard, 12);
        Assert.Equal(1.0, dense.MeanChanceJaccard, 12);
        foreach (var pair in analysis.Pairs)
        {
            var level = Runs(RunKind.Ticket, pair.Round).ToList();
            using var a = runner.GetMask(level.Single(r => r.Unit.Ticket.Index == pair.TicketA).Unit.MaskHash);
            using var b = runner.GetMask(level.Single(r => r.Unit.Ticket.Index == pair.TicketB).Unit.MaskHash);
            Assert.Equal(MaskOverlap.ChanceJaccard(a, b), pair.ChanceJaccard, 12);
        }
        // Layer-wise at 20% (output too): every layer holds 0.64 at round 2, so chance is d / (2 - d) there.
        Assert.Equal(MaskOverlap.ChanceJaccard(0.64),
            analysis.Diversity.Single(d => d.Round == 2).MeanChanceJaccard, 3);
        var pruned = analysis.Diversity.Single(d => d.Round == 2);
        Assert.InRange(pruned.MeanJaccard, 0.0, 1.0);
        Assert.Equal(1.0, pruned.Jaccard[1][1], 12);
        Assert.Equal(pruned.Jaccard[0][2], pruned.Jaccard[2][0], 12);
    }

    [Fact]
    public void Pools_cover_every_round_and_cost_at_least_one_member()
    {
        Assert.Equal(3, analysis.Pools.Count(p => p.Pool == "across-tickets"));
        Assert.Equal(2, analysis.Pools.Count(p => p.Pool == "adjacent-sparsity"));
        Assert.All(analysis.Pools, p => Assert.True(p.PooledCost >= p.MemberCost - 1e-9, $"{p.Pool} round {p.Round}"));
    }

    [Fact]
    public void A_pool_across_tickets_is_compared_with_the_validation_selected_ticket_it_starts_from()
    {
        foreach (var pool in analysis.Pools.Where(p => p.Pool == "across-tickets"))
        {
            var members = Runs(RunKind.Ticket, pool.Round).ToList();
            Assert.Equal(SelectedOnValidation(members).Metrics.TestAccuracy,
                Assert.Single(pool.StartMemberTestAccuracy.Values), 12);
            Assert.Equal(members.Average(r => r.Metrics.TestAccuracy), pool.MemberTestAccuracy.Mean, 12);
            Assert.Equal(pool.PooledTestAccuracy.Mean - pool.StartMemberTestAccuracy.Mean,
                pool.GainOverStartMember, 12);
        }
    }

    [Fact]
    public void Census_counts_every_pruned_round_against_the_round_zero_nets_without_converged_baselines()
    {
        Assert.Equal([1, 2], analysis.Census.Select(c => c.Round));
        // Densities 0.8 and 0.64: the headline is the one nearer 0.2.
        Assert.Equal([false, true], analysis.Census.Select(c => c.Headline));
        // Every run is judged at its best validation evaluation, the default selection.
        var roundZero = Runs(RunKind.Ticket, 0).Select(r => r.Metrics.BestValidationAccuracy).ToList();
        foreach (var census in analysis.Census)
        {
            Assert.Equal(DenseReference.RoundZeroAllInitsSource, census.Reference.Source);
            Assert.Equal(roundZero.Average(), Assert.Single(census.Reference.Inits).ValidationAccuracy, 12);
            Assert.Equal(Statistics.SampleStandardDeviation(roundZero), census.Reference.Epsilon, 12);
            var tickets = Runs(RunKind.Ticket, census.Round).ToList();
            Assert.Equal(3, census.Candidates);
            var bar = roundZero.Average() - census.Reference.Epsilon;
            Assert.Equal(tickets.Where(r => r.Metrics.BestValidationAccuracy >= bar).Select(r => r.Unit.Ticket.Index),
                census.WinningTickets);
            Assert.Equal([RunKind.RandomReinit, RunKind.RandomMask], census.Controls.Select(c => c.Kind));
            Assert.All(census.Controls, c => Assert.Equal(3, c.Runs));
        }

        using var loose = new SearchAnalyzer(runner, AnalysisOptions.Default with
        {
            BootstrapResamples = 50,
            Census = new CensusCriteria(Epsilon: 1.0, SameTicket: 1.0),
        });
        var all = loose.Analyze(spec.SearchId, runs).Census;
        Assert.All(all, c => Assert.Equal(3, c.Winners.Count));
        Assert.All(all.SelectMany(c => c.Controls), c => Assert.Equal(3, c.Winners));
    }
}
