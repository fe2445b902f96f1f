using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Diagnostics;
using LotteryActors.Actors.Observability;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.TicketMessages;

namespace LotteryActors.Actors.Tickets;

/// <summary>
/// Trains one ticket, one run at a time: asks the coordinator for its next run, waits for a slot, trains in
/// chunks (a message to itself between chunks keeps it responsive), hands the result to the coordinator and
/// waits until it is journaled before asking again. Idle → WaitingForSlot → Training → AwaitingRecord → Idle.
/// With a stacked engine the device's <see cref="DeviceEngine"/> trains the run instead (no slot):
/// Idle → OnEngine → AwaitingRecord → Idle; the trainer still owns the run's state and its journaling.
/// A restarted trainer simply asks again: the coordinator's journal says where the ticket stands.
/// </summary>
public sealed class TicketTrainer : ReceiveActor
{
    private readonly TicketId ticket;
    private readonly IActorRef coordinator;
    private readonly IActorRef slots;
    private readonly IActorRef? engine;
    private readonly TrainingNode node;
    private readonly ILoggingAdapter log;
    private ActiveRun? run;
    private bool holdsSlot;

    /// <param name="engine">The device's stacking engine, or null when each trainer trains its own runs.</param>
    public TicketTrainer(TicketId ticket, IActorRef coordinator, IActorRef slots, IActorRef? engine,
        TrainingNode node)
    {
        this.ticket = ticket;
        this.coordinator = coordinator;
        this.slots = slots;
        this.engine = engine;
        this.node = node;
        log = Context.SearchLogger(node.Runner.Spec.SearchId).ForTicket(node.Runner.Spec, ticket);
        Idle();
    }

    public static Props Props(TicketId ticket, IActorRef coordinator, IActorRef slots, IActorRef? engine,
        TrainingNode node) =>
        Akka.Actor.Props.Create(() => new TicketTrainer(ticket, coordinator, slots, engine, node))
            .WithDispatcher(TrainingNode.TrainerDispatcher);

    protected override void PreStart() => coordinator.Tell(new NextRunRequested(ticket));

    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e) when (e is not TrainerFailedException)
        {
            throw new TrainerFailedException(ticket, e);
        }
    }

    private void Idle()
    {
        Receive<RunAssigned>(assigned =>
        {
            if (engine is not null)
            {
                engine.Tell(new EngineRunRequested(assigned.Unit));
                Become(() => OnEngine(assigned.Unit));
                return;
            }
            slots.Tell(new SlotRequested(ticket));
            Become(() => WaitingForSlot(assigned.Unit));
        });
        Receive<TicketComplete>(_ => Context.Stop(Self));
    }

    private void WaitingForSlot(WorkUnit unit)
    {
        Receive<SlotGranted>(_ =>
        {
            holdsSlot = true;
            // Debug: the console shows runs as they finish and the progress view shows them running.
            log.ForUnit(unit).Debug("{WorkUnit}: starting", unit.ToString());
            run = node.Runner.Begin(unit);
            Context.System.EventStream.Publish(new RunProgressed(unit, run.Iteration, run.TotalIterations));
            Become(() => Training(unit));
            Self.Tell(ContinueTraining.Instance);
        });
    }

    private void Training(WorkUnit unit)
    {
        Receive<ContinueTraining>(_ =>
        {
            var (from, started) = (run!.Iteration, Stopwatch.GetTimestamp());
            run.RunChunk(node.Runtime.ChunkIterations);
            NodeMetrics.Trained(ticket.ToString(), (run.Iteration - from) * node.Runner.Spec.Training.BatchSize,
                Stopwatch.GetElapsedTime(started));
            Context.System.EventStream.Publish(new RunProgressed(unit, run.Iteration, run.TotalIterations));
            if (!run.IsComplete)
            {
                Self.Tell(ContinueTraining.Instance);
                return;
            }
            var result = run.Finish();
            DisposeRun();
            NodeMetrics.TrainerIdle(ticket.ToString());
            coordinator.Tell(new RunFinished(result));
            Become(() => AwaitingRecord(unit));
        });
    }

    /// <summary>A failed outcome is thrown here, so the supervisor treats it as it treats a failed run of its own.
    /// </summary>
    private void OnEngine(WorkUnit unit)
    {
        Receive<EngineRunDone>(done => done.Outcome.Unit == unit, done =>
        {
            // Rethrown with the engine's stack trace, which the supervisor logs; a plain throw would replace it.
            if (done.Outcome.Failure is { } failure)
                ExceptionDispatchInfo.Throw(failure);
            NodeMetrics.TrainerIdle(ticket.ToString());
            coordinator.Tell(new RunFinished(done.Outcome.Result!));
            Become(() => AwaitingRecord(unit));
        });
    }

    private void AwaitingRecord(WorkUnit unit)
    {
        Receive<RunRecorded>(recorded => recorded.Unit == unit, _ =>
        {
            ReleaseSlot();
            coordinator.Tell(new NextRunRequested(ticket));
            Become(Idle);
        });
    }

    protected override void PostStop()
    {
        NodeMetrics.TrainerStopped(ticket.ToString());
        DisposeRun();
        ReleaseSlot();
    }

    private void ReleaseSlot()
    {
        if (!holdsSlot)
            return;
        holdsSlot = false;
        slots.Tell(new SlotReleased(ticket));
    }

    private void DisposeRun()
    {
        run?.Dispose();
        run = null;
    }

    private sealed record ContinueTraining
    {
        public static readonly ContinueTraining Instance = new();
    }
}
