using Akka.Actor;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Actors.Tickets;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.TicketMessages;

namespace LotteryActors.Actors.Tests.Tickets;

/// <summary>
/// The supervisor with real trainers and a test probe in the coordinator's place: the probe decides which runs the
/// trainer gets, so a failing run is a real failure (an artifact that does not exist, a learning rate that diverges).
/// </summary>
public sealed class TicketSupervisorTests : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TicketId Ticket = new(0, 0);

    public TicketSupervisorTests() : base(TestConfig.Akka)
    {
    }

    [Fact]
    public void A_trainer_that_throws_is_restarted_and_resumes_by_asking_for_its_next_run()
    {
        using var tiny = new TinyNode(maxRestarts: 2);
        var coordinator = CreateTestProbe();
        var supervisor = Sys.ActorOf(TicketSupervisor.Props(coordinator.Ref, tiny.Node));
        supervisor.Tell(new StartTicket(Ticket));

        coordinator.ExpectMsg<NextRunRequested>(Patience);
        coordinator.Reply(new RunAssigned(MissingArtifactUnit()));

        coordinator.ExpectMsg<NextRunRequested>(Patience);
        var (init, mask) = RoundZeroInputs(tiny);
        var unit = new WorkUnit(Ticket, 0, RunKind.Ticket, init, mask);
        coordinator.Reply(new RunAssigned(unit));

        var finished = coordinator.ExpectMsg<RunFinished>(Patience);
        Assert.Equal(unit, finished.Result.Unit);
        Assert.True(tiny.Node.Runner.Store.Contains(finished.Result.WeightsHash));
        coordinator.Reply(new RunRecorded(unit));
        coordinator.ExpectMsg<NextRunRequested>(Patience);
        coordinator.Reply(new TicketComplete(Ticket));
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_ticket_that_keeps_failing_on_a_missing_artifact_is_reported_stalled_not_failed_after_max_restarts()
    {
        using var tiny = new TinyNode(maxRestarts: 2);
        var coordinator = CreateTestProbe();
        var supervisor = Sys.ActorOf(TicketSupervisor.Props(coordinator.Ref, tiny.Node));
        supervisor.Tell(new StartTicket(Ticket));

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            coordinator.ExpectMsg<NextRunRequested>(Patience);
            coordinator.Reply(new RunAssigned(MissingArtifactUnit()));
        }
        var stalled = coordinator.ExpectMsg<TicketStalled>(Patience);
        Assert.Equal(Ticket, stalled.Ticket);
        Assert.Equal(3, stalled.Attempts);
        Assert.Equal(LotteryActors.Actors.Protocol.FaultKind.Environmental, stalled.Fault.Kind);
        Assert.Contains("is missing", stalled.Fault.Cause);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void A_diverging_run_fails_the_ticket_at_once_without_restarts()
    {
        var spec = SyntheticSpec.Search();
        var diverging = spec with { Training = spec.Training with { LearningRate = 1e30 } };
        using var tiny = new TinyNode(diverging, maxRestarts: 5);
        var coordinator = CreateTestProbe();
        var supervisor = Sys.ActorOf(TicketSupervisor.Props(coordinator.Ref, tiny.Node));
        supervisor.Tell(new StartTicket(Ticket));

        coordinator.ExpectMsg<NextRunRequested>(Patience);
        var (init, mask) = RoundZeroInputs(tiny);
        coordinator.Reply(new RunAssigned(new WorkUnit(Ticket, 0, RunKind.Ticket, init, mask)));

        var gaveUp = coordinator.ExpectMsg<TicketGaveUp>(Patience);
        Assert.Equal(1, gaveUp.Attempts);
        Assert.Contains("diverged", gaveUp.Reason);
    }

    [Fact]
    public void Slots_bound_how_many_tickets_train_at_once()
    {
        var queue = new SlotQueue(1);
        var first = CreateTestProbe().Ref;
        var second = CreateTestProbe().Ref;
        Assert.Equal(first, queue.Request(first));
        Assert.Null(queue.Request(second));
        Assert.Equal(1, queue.Waiting);
        Assert.Equal(second, queue.Release(first));
        Assert.Equal(1, queue.InUse);
        Assert.Null(queue.Release(second));
        Assert.Equal(0, queue.InUse);
    }

    private static WorkUnit MissingArtifactUnit() => new(Ticket, 0, RunKind.Ticket, new string('0', 64), new string('1', 64));

    private static (string Init, string Mask) RoundZeroInputs(TinyNode tiny)
    {
        var init = tiny.Node.Runner.DrawInit(0);
        return (init, tiny.Node.Runner.DenseMask(init));
    }
}
