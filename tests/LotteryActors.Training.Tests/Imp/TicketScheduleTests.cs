using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Imp;

public sealed class TicketScheduleTests
{
    private const string Init = "init";
    private const string Dense = "dense";
    private static readonly TicketId Ticket = new(0, 0);
    private static readonly RunMetrics Metrics = new(30, 0.5, 1.0, 0.5, 1.0, 10, 0.6, 0.55, 0.9);

    private static SearchSpec Spec(int rounds = 2, bool randomReinit = true, bool randomMask = true) => SyntheticSpec.Search() with
    {
        Pruning = SyntheticSpec.Search().Pruning with { Rounds = rounds },
        Controls = new ControlsSpec(randomReinit, randomMask),
    };

    private static RunResult Done(WorkUnit unit, string? nextMask, string? rewind = null) =>
        new(unit, 1.0, Metrics, $"weights of {unit}", nextMask, rewind);

    [Fact]
    public void Round_zero_comes_first_then_each_rounds_ticket_and_its_controls()
    {
        Assert.Equal(
            [
                new(0, RunKind.Ticket),
                new(1, RunKind.Ticket), new(1, RunKind.RandomReinit), new(1, RunKind.RandomMask),
                new(2, RunKind.Ticket), new(2, RunKind.RandomReinit), new RunSlot(2, RunKind.RandomMask),
            ],
            TicketSchedule.For(Spec(), Ticket));
    }

    [Fact]
    public void Disabled_controls_are_left_out()
    {
        Assert.Equal(
            [new(0, RunKind.Ticket), new(1, RunKind.Ticket), new(1, RunKind.RandomMask), new(2, RunKind.Ticket), new RunSlot(2, RunKind.RandomMask)],
            TicketSchedule.For(Spec(randomReinit: false), Ticket));
    }

    [Fact]
    public void Zero_rounds_is_round_zero_alone()
    {
        Assert.Equal([new RunSlot(0, RunKind.Ticket)], TicketSchedule.For(Spec(rounds: 0), Ticket));
    }

    [Fact]
    public void First_unit_is_round_zero_from_the_init_under_the_dense_mask()
    {
        var unit = TicketSchedule.NextUnit(Spec(), Ticket, Init, Dense, []);

        Assert.Equal(new WorkUnit(Ticket, 0, RunKind.Ticket, Init, Dense), unit);
    }

    [Fact]
    public void Round_one_trains_under_the_mask_round_zero_pruned_to()
    {
        var roundZero = Done(new WorkUnit(Ticket, 0, RunKind.Ticket, Init, Dense), "m1");

        var unit = TicketSchedule.NextUnit(Spec(), Ticket, Init, Dense, [roundZero]);

        Assert.Equal(new WorkUnit(Ticket, 1, RunKind.Ticket, Init, "m1"), unit);
    }

    [Fact]
    public void Controls_follow_their_rounds_ticket_under_the_same_mask()
    {
        var done = new List<RunResult>
        {
            Done(new WorkUnit(Ticket, 0, RunKind.Ticket, Init, Dense), "m1"),
            Done(new WorkUnit(Ticket, 1, RunKind.Ticket, Init, "m1"), "m2"),
        };

        var reinit = TicketSchedule.NextUnit(Spec(), Ticket, Init, Dense, done)!;
        done.Add(Done(reinit, null));
        var randomMask = TicketSchedule.NextUnit(Spec(), Ticket, Init, Dense, done)!;
        done.Add(Done(randomMask, null));
        var roundTwo = TicketSchedule.NextUnit(Spec(), Ticket, Init, Dense, done)!;

        Assert.Equal(new WorkUnit(Ticket, 1, RunKind.RandomReinit, Init, "m1"), reinit);
        Assert.Equal(new WorkUnit(Ticket, 1, RunKind.RandomMask, Init, "m1"), randomMask);
        Assert.Equal(new WorkUnit(Ticket, 2, RunKind.Ticket, Init, "m2"), roundTwo);
    }

    [Fact]
    public void Later_rounds_start_from_the_rewind_point_except_the_reinit_control()
    {
        var done = new List<RunResult>
        {
            Done(new WorkUnit(Ticket, 0, RunKind.Ticket, Init, Dense), "m1", rewind: "r0"),
            Done(new WorkUnit(Ticket, 1, RunKind.Ticket, "r0", "m1"), "m2"),
        };

        var reinit = TicketSchedule.NextUnit(Spec(), Ticket, Init, Dense, done)!;
        done.Add(Done(reinit, null));
        var randomMask = TicketSchedule.NextUnit(Spec(), Ticket, Init, Dense, done)!;
        done.Add(Done(randomMask, null));
        var roundTwo = TicketSchedule.NextUnit(Spec(), Ticket, Init, Dense, done)!;

        Assert.Equal(Init, reinit.StartHash);
        Assert.Equal("r0", randomMask.StartHash);
        Assert.Equal(new WorkUnit(Ticket, 2, RunKind.Ticket, "r0", "m2"), roundTwo);
    }

    [Fact]
    public void Nothing_is_left_once_every_slot_is_done()
    {
        var done = TicketSchedule.For(Spec(rounds: 1), Ticket)
            .Select(s => Done(new WorkUnit(Ticket, s.Round, s.Kind, Init, Dense), s.Round == 0 ? "m1" : null))
            .ToList();

        Assert.Null(TicketSchedule.NextUnit(Spec(rounds: 1), Ticket, Init, Dense, done));
    }

    [Fact]
    public void A_previous_round_without_a_next_mask_is_an_error()
    {
        var roundZero = Done(new WorkUnit(Ticket, 0, RunKind.Ticket, Init, Dense), nextMask: null);

        Assert.Throws<InvalidOperationException>(() => TicketSchedule.NextUnit(Spec(), Ticket, Init, Dense, [roundZero]));
    }

    [Fact]
    public void The_first_ticket_of_each_init_trains_the_dense_baseline_last_from_its_init()
    {
        var spec = Spec(rounds: 1) with { TicketsPerWidth = 2, InitsPerWidth = 2, Baseline = new DenseBaselineSpec(40, 3) };
        var firstOfInitOne = new TicketId(0, 2);

        Assert.Equal(new RunSlot(0, RunKind.DenseBaseline), TicketSchedule.For(spec, firstOfInitOne)[^1]);
        Assert.DoesNotContain(TicketSchedule.For(spec, new TicketId(0, 3)), s => s.Kind == RunKind.DenseBaseline);
        Assert.DoesNotContain(TicketSchedule.For(spec with { Baseline = null }, Ticket), s => s.Kind == RunKind.DenseBaseline);
        var done = TicketSchedule.For(spec, firstOfInitOne).SkipLast(1)
            .Select(s => Done(new WorkUnit(firstOfInitOne, s.Round, s.Kind, Init, Dense), s.Round == 0 ? "m1" : null))
            .ToList();
        Assert.Equal(new WorkUnit(firstOfInitOne, 0, RunKind.DenseBaseline, Init, Dense),
            TicketSchedule.NextUnit(spec, firstOfInitOne, Init, Dense, done));
    }
}
