using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Diagnostics;
using LotteryActors.Actors.Observability;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Imp;
using static LotteryActors.Actors.Protocol.TicketMessages;

namespace LotteryActors.Actors.Tickets;

/// <summary>
/// The device's one engine when runs are stacked: trainers hand it their units and get outcomes back, keeping
/// their own state and the journaling. It trains one batch at a time on its own thread, in chunks (a message to
/// itself between them keeps it responsive). Its <see cref="ITrainingEngine"/> says which units share a batch,
/// from the spec alone (see <see cref="StackedEngine"/>); timing decides only when a batch starts: at once when it
/// is full (or trains alone), otherwise once stack-gather has passed without it filling. A member's bits do not
/// depend on that, so a resumed search, whose stacks fill differently, reproduces them. Idle → Training → Idle.
/// A batch that fails for any reason fails each of its members' trainers, whose supervisor retries them as it
/// retries any trainer; a diverged member fails only its own trainer.
/// </summary>
public sealed class DeviceEngine : ReceiveActor, IWithTimers
{
    private readonly TrainingNode node;
    private readonly ITrainingEngine engine;
    private readonly ILoggingAdapter log;
    private readonly List<WorkUnit> waiting = [];
    private readonly Dictionary<WorkUnit, HashSet<IActorRef>> requesters = [];
    private IEngineBatch? batch;

    public DeviceEngine(TrainingNode node)
    {
        this.node = node;
        engine = node.Runtime.Engine.Kind.Create(node.Runner, node.Runtime.Engine.StackSize);
        log = Context.SearchLogger(node.Runner.Spec.SearchId);
        Idle();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TrainingNode node) =>
        Akka.Actor.Props.Create(() => new DeviceEngine(node)).WithDispatcher(TrainingNode.TrainerDispatcher);

    private void Idle()
    {
        Receive<EngineRunRequested>(requested =>
        {
            Enqueue(requested.Unit);
            StartWhenReady(gathered: false);
        });
        Receive<GatherEnded>(_ => StartWhenReady(gathered: true));
    }

    private void Training()
    {
        Receive<EngineRunRequested>(requested => Enqueue(requested.Unit));
        // A gather that ended while this batch trained: the batch's end looks at the waiting units again.
        Receive<GatherEnded>(_ => { });
        Receive<ContinueBatch>(_ => Guarded(() =>
        {
            var (from, started) = (batch!.Iteration, Stopwatch.GetTimestamp());
            batch.RunChunk(node.Runtime.ChunkIterations);
            var elapsed = Stopwatch.GetElapsedTime(started);
            // Each member trained its own examples in the stack's wall time.
            foreach (var unit in batch.Units)
            {
                NodeMetrics.Trained(unit.Ticket.ToString(), (batch.Iteration - from) * node.Runner.Spec.Training
                    .BatchSize, elapsed);
                Context.System.EventStream.Publish(new RunProgressed(unit, batch.Iteration, batch.TotalIterations));
            }
            if (!batch.IsComplete)
            {
                Self.Tell(ContinueBatch.Instance);
                return;
            }
            var outcomes = batch.Finish();
            EndBatch(outcomes);
        }));
    }

    /// <summary>Queues a unit; one that is already waiting or training just gains a requester (a restarted
    /// trainer asking again), so it is trained once and both hear.</summary>
    private void Enqueue(WorkUnit unit)
    {
        if (!requesters.TryGetValue(unit, out var asking))
        {
            requesters[unit] = asking = [];
            waiting.Add(unit);
        }
        asking.Add(Sender);
    }

    private void StartWhenReady(bool gathered)
    {
        if (waiting.Count == 0)
            return;
        var ready = engine.ReadyBatch(waiting, gathered);
        if (ready is null)
        {
            if (!Timers.IsTimerActive(GatherEnded.Instance))
                Timers.StartSingleTimer(GatherEnded.Instance, GatherEnded.Instance, node.Runtime.Engine.Gather);
            return;
        }
        Timers.Cancel(GatherEnded.Instance);
        waiting.RemoveAll(ready.Contains);
        if (engine.WhyAlone(ready[0]) is { } reason)
            log.Info("{WorkUnit} trains alone: {Reason}", ready[0].ToString(), reason);
        Become(Training);
        Guarded(() =>
        {
            batch = engine.Begin(ready);
            Self.Tell(ContinueBatch.Instance);
        }, ready);
    }

    /// <summary>Runs a step of the batch; whatever it throws fails every member of the batch, not the engine.
    /// </summary>
    private void Guarded(Action step, IReadOnlyList<WorkUnit>? units = null)
    {
        try
        {
            step();
        }
        catch (Exception e)
        {
            log.Warning("{Units}: the batch failed: {Cause}", string.Join(", ", units ?? batch!.Units), e.Message);
            EndBatch((units ?? batch!.Units).Select(u => new MemberOutcome(u, null, e)).ToList());
        }
    }

    private void EndBatch(IReadOnlyList<MemberOutcome> outcomes)
    {
        batch?.Dispose();
        batch = null;
        foreach (var outcome in outcomes)
        {
            if (requesters.Remove(outcome.Unit, out var asking))
                foreach (var trainer in asking)
                    trainer.Tell(new EngineRunDone(outcome));
        }
        Become(Idle);
        StartWhenReady(gathered: false);
    }

    protected override void PreStart() =>
        log.Info("Training on the stacked engine: stacks of {StackSize}", node.Runtime.Engine.StackSize);

    protected override void PostStop() => batch?.Dispose();

    private sealed record ContinueBatch
    {
        public static readonly ContinueBatch Instance = new();
    }

    private sealed record GatherEnded
    {
        public static readonly GatherEnded Instance = new();
    }
}
