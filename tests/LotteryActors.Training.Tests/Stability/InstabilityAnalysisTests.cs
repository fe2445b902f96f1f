using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Stability;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Stability;

/// <summary>
/// Retrained copies against the journaled runs they stand for, on the synthetic data: two tickets of one init, two
/// pruning rounds, late rewinding to iteration 5 of 30 (so later rounds start from a stored rewind point, not the
/// init), no controls.
/// </summary>
public sealed class InstabilityAnalysisTests : IDisposable
{
    private static readonly SearchSpec Spec = SyntheticSpec.Search() with
    {
        TicketsPerWidth = 2,
        Controls = new ControlsSpec(RandomReinit: false, RandomMask: false),
        Pruning = SyntheticSpec.Search().Pruning with { Rewind = new Duration(5, DurationUnit.Iterations) },
    };

    private static readonly TicketId First = new(0, 0);
    private static readonly TicketId Second = new(0, 1);

    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly TempDirectory temp = new();
    private readonly ImpRunner runner;
    private readonly List<RunResult> runs;

    public InstabilityAnalysisTests()
    {
        set_num_threads(1);
        runner = new ImpRunner(Spec, data, new ArtifactStore(temp.Path));
        runs = Spec.Tickets().SelectMany(t => runner.RunTicket(t, chunkIterations: 7).Runs).ToList();
    }

    public void Dispose()
    {
        data.Dispose();
        temp.Dispose();
    }

    private RunResult Journaled(TicketId ticket, int round) =>
        runs.Single(r => r.Unit.Ticket == ticket && r.Unit.Round == round && r.Unit.Kind == RunKind.Ticket);

    [Fact]
    public void Copies_in_the_tickets_own_order_retrain_its_journaled_rounds_from_their_stored_start_exactly()
    {
        var own = Spec.DataOrderSeed(First);
        using var analysis = new InstabilityAnalysis(runner, new StabilityOptions(Seeds: [own, own]));

        var rows = analysis.Analyze(runs, [First], [0, 2]);

        Assert.Equal([0, 2], rows.Select(r => r.Round));
        Assert.Equal([0, runner.RewindIteration], rows.Select(r => r.StartIteration));
        Assert.Equal(5, runner.RewindIteration);
        foreach (var row in rows)
        {
            var journaled = Journaled(First, row.Round);
            Assert.Equal(journaled.Density, row.Density);
            var same = Assert.Single(row.Pairs, p => p.Kind == InstabilityAnalysis.SameTicket);
            // One order twice: two identical networks, a flat line, a barrier of exactly 0.
            Assert.Equal(0, same.Validation.Barrier);
            Assert.Equal(0, same.Test.Barrier);
            Assert.Single(same.Validation.Errors.Distinct());
            // The ends are the journaled run itself, retrained from the start it recorded.
            Assert.Equal(1 - journaled.Metrics.ValidationAccuracy, same.Validation.Errors[0]);
            Assert.Equal(1 - journaled.Metrics.TestAccuracy, same.Test.Errors[^1]);
            Assert.Null(row.BetweenTickets);
            // Its scores, at the end and at the early stop, are the journaled run's; the dense copy (round 0: the
            // ticket itself) is listed once.
            var copy = Assert.Single(row.Copies, c => c.Mask == InstabilityAnalysis.TicketMask);
            Assert.Equal(("w0-t0", own), (copy.Ticket, copy.Seed));
            Assert.Equal((journaled.Metrics.ValidationAccuracy, journaled.Metrics.TestAccuracy,
                    journaled.Metrics.BestValidationAccuracy, journaled.Metrics.TestAccuracyAtEarlyStop,
                    journaled.Metrics.EarlyStopIteration),
                (copy.ValidationAccuracy, copy.TestAccuracy, copy.BestValidationAccuracy, copy.TestAccuracyAtEarlyStop,
                    copy.EarlyStopIteration));
            Assert.Equal(row.Round == 0 ? 1 : 2, row.Copies.Count);
        }
        // Round 0 is the dense net from the init: its dense reference is the ticket itself.
        Assert.Equal(rows[0].SameTicket, rows[0].Dense);
    }

    [Fact]
    public void Fresh_orders_give_every_pair_of_copies_of_a_ticket_its_dense_reference_and_the_other_ticket()
    {
        using var analysis = new InstabilityAnalysis(runner, new StabilityOptions(DataOrders: 3, Points: 5));

        var row = Assert.Single(analysis.Analyze(runs, [Second, First], [1]));

        Assert.Equal(["w0-t0", "w0-t1"], row.Tickets);
        Assert.Equal((6, 6, 6), (row.SameTicket!.Pairs, row.Dense!.Pairs, row.BetweenTickets!.Pairs));
        var seeds = row.Pairs.SelectMany(p => new[] { p.FirstSeed, p.SecondSeed }).Distinct().Order().ToList();
        var fresh = new[] { First, Second }.SelectMany(t =>
            Enumerable.Range(0, 3).Select(c => DataOrderSeeds.Retrain(Spec, t, 1, c))).Order().ToList();
        Assert.Equal(fresh, seeds);
        // Every copy is listed once, ticket by ticket, its own mask before the dense one, each in the pairs' orders.
        Assert.Equal(12, row.Copies.Count);
        Assert.Equal(Enumerable.Repeat("w0-t0", 6).Concat(Enumerable.Repeat("w0-t1", 6)), row.Copies.Select(c => c.Ticket));
        foreach (var ticket in new[] { First, Second })
        {
            var orders = Enumerable.Range(0, 3).Select(c => DataOrderSeeds.Retrain(Spec, ticket, 1, c)).Order().ToList();
            var mine = row.Copies.Where(c => c.Ticket == ticket.ToString()).ToList();
            Assert.Equal(orders.Concat(orders), mine.Select(c => c.Seed));
            Assert.Equal(Enumerable.Repeat(InstabilityAnalysis.TicketMask, 3).Concat(
                Enumerable.Repeat(InstabilityAnalysis.Dense, 3)), mine.Select(c => c.Mask));
        }
        Assert.All(row.Copies, c => Assert.InRange(c.TestAccuracyAtEarlyStop, 0, 1));
        Assert.All(row.Pairs, p =>
        {
            Assert.Equal([0, 0.25, 0.5, 0.75, 1], p.Validation.Alphas);
            Assert.All(p.Validation.Errors.Concat(p.Test.Errors), e => Assert.InRange(e, 0, 1));
            Assert.InRange(p.Validation.Barrier, 0, 1);
            Assert.True(p.Kind == InstabilityAnalysis.BetweenTickets
                ? p.First != p.Second && p.FirstSeed != p.SecondSeed
                : p.First == p.Second && p.FirstSeed != p.SecondSeed, $"{p.Kind} {p.First} {p.Second}");
        });
    }
}
