using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Imp;

/// <summary>
/// <see cref="ImpRunner.RunTicket"/>, the loop <c>train-ticket</c> runs: the same runs, in the same order, with the
/// same bits as handing the schedule's units to the runner one by one.
/// </summary>
public sealed class TicketRunTests : IDisposable
{
    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly TempDirectory temp = new();

    public TicketRunTests() => set_num_threads(1);

    public void Dispose()
    {
        data.Dispose();
        temp.Dispose();
    }

    private ImpRunner Runner(SearchSpec spec, string store) =>
        new(spec, data, new ArtifactStore(Path.Combine(temp.Path, store)));

    [Fact]
    public void A_ticket_runs_its_schedule_in_order_with_the_bits_of_its_units_run_one_by_one()
    {
        var spec = SyntheticSpec.Search() with { TicketsPerWidth = 2 };
        var ticket = new TicketId(0, 1);
        var heard = new List<(WorkUnit Unit, RunResult Result)>();

        var run = Runner(spec, "loop").RunTicket(ticket, chunkIterations: 7, (unit, result, took) =>
        {
            Assert.True(took > TimeSpan.Zero);
            heard.Add((unit, result));
        });

        var byHand = Runner(spec, "by-hand");
        var init = byHand.DrawInit(ticket.WidthIndex);
        var dense = byHand.DenseMask(init);
        var expected = new List<RunResult>();
        while (TicketSchedule.NextUnit(spec, ticket, init, dense, expected) is { } unit)
            expected.Add(byHand.Run(unit, chunkIterations: 7));

        Assert.Equal(ticket, run.Ticket);
        Assert.Equal((init, dense), (run.InitHash, run.DenseMaskHash));
        Assert.Equal(TicketSchedule.For(spec, ticket), run.Runs.Select(r => new RunSlot(r.Unit.Round, r.Unit.Kind)));
        Assert.Equal(expected.Select(r => (r.Unit, r.WeightsHash, r.NextMaskHash, r.Metrics)),
            run.Runs.Select(r => (r.Unit, r.WeightsHash, r.NextMaskHash, r.Metrics)));
        Assert.Equal(run.Runs, heard.Select(h => h.Result));
        Assert.Equal(run.Runs.Select(r => r.Unit), heard.Select(h => h.Unit));
    }

    [Fact]
    public void A_ticket_of_a_later_width_starts_from_that_width_s_shared_init()
    {
        var spec = SyntheticSpec.Search() with { Pruning = SyntheticSpec.Search().Pruning with { Rounds = 0 } };
        spec = spec with { Model = spec.Model with { Widths = [0.25, 0.5] } };
        var runner = Runner(spec, "widths");

        var run = runner.RunTicket(new TicketId(1, 0), chunkIterations: 7);

        Assert.Equal(runner.DrawInit(1), run.InitHash);
        Assert.NotEqual(runner.DrawInit(0), run.InitHash);
        Assert.Equal(run.InitHash, Assert.Single(run.Runs).Unit.StartHash);
    }

    [Fact]
    public void A_ticket_of_a_later_init_starts_from_that_init()
    {
        var spec = SyntheticSpec.Search() with
        {
            Pruning = SyntheticSpec.Search().Pruning with { Rounds = 0 },
            TicketsPerWidth = 2,
            InitsPerWidth = 2,
        };
        var runner = Runner(spec, "inits");

        var run = runner.RunTicket(new TicketId(0, 2), chunkIterations: 7);

        Assert.Equal(runner.DrawInit(new InitId(0, 1)), run.InitHash);
        Assert.NotEqual(runner.DrawInit(0), run.InitHash);
        Assert.Equal(run.InitHash, Assert.Single(run.Runs).Unit.StartHash);
    }
}
