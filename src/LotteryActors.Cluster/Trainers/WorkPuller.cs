using System.Collections.Immutable;
using Akka;
using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Observability;
using LotteryActors.Actors.Protocol;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol.Journal;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Trainers;

/// <summary>
/// A trainer node's end of work pulling. It asks the coordinator for work whenever a slot frees (and every
/// pull interval, so a coordinator that just took over learns of it), runs each leased unit in a
/// <see cref="UnitWorker"/>, renews its leases while they run (telling each training run's latest progress), and
/// sends each output until the coordinator acknowledges it: an output finished while the singleton moves is re-sent
/// to its successor, never lost.
/// A unit that diverges is reported as the ticket's fate; any other failure gives the unit back for another try.
/// On a node that stacks (<c>stacking</c> set) every training run goes to one <see cref="StackWorker"/>
/// instead, and the node leases up to a stack more than its slots, so a stack can fill; the slots' workers draw
/// inits and evaluate ensembles.
/// </summary>
public sealed class WorkPuller : ReceiveActor, IWithTimers
{
    private readonly IActorRef coordinator;
    private readonly string node;
    private readonly int slots;
    private readonly RunnerSource runners;
    private readonly int chunkIterations;
    private readonly EngineSettings? stacking;
    private readonly TrainingSetup setup;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> running = [];
    private readonly List<IActorRef> idle = [];
    private readonly Queue<WorkOffered> waiting = new();
    private readonly Dictionary<string, WorkDone> unacknowledged = [];
    private readonly Dictionary<string, TrainingProgress> progress = [];
    private IActorRef? engine;
    // Set once the node stops (DrainAsync): who waits for the last running unit to be acknowledged.
    private IActorRef? drained;
    // The coordinator answered the drain (DrainSet): every unit it leased here before it heard of the drain was
    // offered before that answer, on the same channel, so no offer is still on its way.
    private bool drainHeard;

    /// <summary>How long a drain waits for the coordinator's answer: a node that never joined, or whose coordinator
    /// is gone, has nobody to hear from, and a running coordinator answers within a fraction of this.</summary>
    private static readonly TimeSpan DrainAnswerPatience = TimeSpan.FromSeconds(5);

    /// <param name="setup">How this node trains a run, sent with each run's result: stacked where
    /// <paramref name="stacking"/> is set.</param>
    public WorkPuller(IActorRef coordinator, string node, int slots, RunnerSource runners, int chunkIterations,
        WorkTiming timing, TrainingSetup setup, EngineSettings? stacking = null)
    {
        this.coordinator = coordinator;
        this.node = node;
        this.slots = slots;
        this.runners = runners;
        this.chunkIterations = chunkIterations;
        this.stacking = stacking;
        this.setup = setup;

        Receive<WorkOffered>(OnOffered);
        Receive<UnitWorker.Finished>(finished =>
        {
            Deliver(new WorkDone(node, finished.WorkId, finished.Output)
            {
                DatasetFingerprint = finished.DatasetFingerprint,
                Setup = finished.Output.Run is null ? null : setup,
            });
            FreeSlot(finished.WorkId);
        });
        Receive<UnitWorker.Refused>(refused =>
        {
            log.Error("{WorkId}: refused, this node's dataset is not the search's: {Reason}",
                refused.WorkId, refused.Reason);
            coordinator.Tell(new WorkRefused(node, refused.WorkId, refused.DatasetFingerprint, refused.Reason));
            Context.System.EventStream.Publish(
                new UnitGivenBack(refused.WorkId, new SearchFault(FaultKind.WrongDataset, refused.Reason)));
            FreeSlot(refused.WorkId);
        });
        Receive<UnitWorker.Progressed>(p =>
        {
            // A late report of a unit whose slot is already free would outlive it here.
            if (running.ContainsKey(p.WorkId))
                progress[p.WorkId] = p.Progress;
        });
        Receive<UnitsCancelled>(OnCancelled);
        Receive<Drain>(_ => OnDrain());
        Receive<DrainSet>(_ => OnDrainHeard());
        Receive<DrainUnanswered>(_ =>
        {
            if (drainHeard)
                return;
            log.Warning("no coordinator answered the drain within {Patience}; leaving without waiting for it",
                DrainAnswerPatience);
            OnDrainHeard();
        });
        Receive<UnitWorker.Stopped>(stopped =>
        {
            log.Info("{WorkId}: stopped, its lease ended (search cancelled, or lost while this node was unheard)", stopped.WorkId);
            FreeSlot(stopped.WorkId);
        });
        Receive<UnitFailed>(failed => OnUnitFailed(failed.WorkId, failed.Cause, restarted: true));
        Receive<StackWorker.MemberFailed>(failed => OnUnitFailed(failed.WorkId, failed.Cause, restarted: false));
        // A block body: a handler returning bool would be read as "handled or not", and a repeated ack removes nothing.
        Receive<WorkAcknowledged>(ack =>
        {
            unacknowledged.Remove(ack.WorkId);
            ReportDrainedWhenDone();
        });
        Receive<Pull>(_ => RequestWork());
        Receive<Renew>(_ =>
        {
            // A copy of the progress: a coordinator on this node gets the message itself, not its serialized form.
            if (running.Count + waiting.Count > 0)
                coordinator.Tell(new LeasesHeld(node, [.. running.Keys, .. waiting.Select(w => w.WorkId)],
                    progress.ToImmutableDictionary()));
        });
        Receive<Redeliver>(_ =>
        {
            foreach (var done in unacknowledged.Values)
                coordinator.Tell(done);
        });
        Timers.StartPeriodicTimer(nameof(Pull), Pull.Instance, timing.PullEvery);
        Timers.StartPeriodicTimer(nameof(Renew), Renew.Instance, timing.RenewEvery);
        Timers.StartPeriodicTimer(nameof(Redeliver), Redeliver.Instance, timing.RedeliverEvery);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef coordinator, string node, int slots, RunnerSource runners,
        int chunkIterations, WorkTiming timing, TrainingSetup setup, EngineSettings? stacking = null) =>
        Akka.Actor.Props.Create(() =>
            new WorkPuller(coordinator, node, slots, runners, chunkIterations, timing, setup, stacking));

    /// <summary>A trainer node's puller as <paramref name="runtime"/> configures it: its slots, chunks and device,
    /// and the engine's settings where its runs stack on that device (null where each trains alone in its slot).
    /// </summary>
    public static Props Props(IActorRef coordinator, string node, RuntimeSettings runtime, RunnerSource runners,
        WorkTiming timing)
    {
        var device = new TorchSharp.torch.Device(runtime.Device).type;
        return Props(coordinator, node, runtime.Slots, runners, runtime.ChunkIterations, timing,
            runtime.SetupOn(device), runtime.Engine.Stacks(device) ? runtime.Engine : null);
    }

    /// <summary>Units this node holds at most: a slot each, and a stack's worth more where the engine stacks.
    /// </summary>
    private int Capacity => slots + (stacking?.StackSize ?? 0);

    /// <summary>One long-lived worker per slot, each on its own pinned thread, and the engine where it stacks.
    /// </summary>
    protected override void PreStart()
    {
        for (var slot = 0; slot < slots; slot++)
            idle.Add(Context.ActorOf(UnitWorker.Props(runners, chunkIterations), $"slot-{slot}"));
        if (stacking is not null)
            engine = Context.ActorOf(StackWorker.Props(runners, stacking, chunkIterations), "engine");
        NodeMetrics.Slots(0, Capacity);
        RequestWork();
    }

    protected override void PostStop() => NodeMetrics.Slots(0, Capacity);

    /// <summary>
    /// A worker whose unit throws is restarted idle (on the same thread); what the failure means for the unit is
    /// decided by <see cref="OnUnitFailed"/>. A failure outside a unit is not this actor's to judge: escalated.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(cause =>
    {
        if (cause is not UnitFailedException failed)
            return Directive.Escalate;
        Self.Tell(new UnitFailed(failed.WorkId, failed.InnerException!));
        return Directive.Restart;
    }, loggingEnabled: false);

    /// <summary>
    /// Asks the node's puller to drain, as the node stops: it takes no new units, and the task completes once every
    /// running unit finished and its result was acknowledged, or after <paramref name="timeout"/>. Either way the
    /// node then leaves the cluster, and the units it still holds go back to the queue without counting.
    /// </summary>
    public static async Task<Done> DrainAsync(IActorRef puller, TimeSpan timeout, ILoggingAdapter log)
    {
        try
        {
            await puller.Ask<Drained>(Drain.Instance, timeout);
        }
        catch (AskTimeoutException)
        {
            // Leaving now: the coordinator ends the leases left as soon as the node is removed. Said, so an operator
            // who finds a unit trained twice knows why.
            log.Warning("the drain-timeout ({Timeout}) has passed: what still runs here goes back to the queue",
                timeout);
        }
        return Done.Instance;
    }

    /// <summary>The coordinator hears of the drain (journaled, so no unit is leased here after it); units that
    /// wait for a slot are not started: they go back to the queue when the node leaves. The drain ends once the
    /// coordinator has answered and the running units are acknowledged.</summary>
    private void OnDrain()
    {
        drained = Sender;
        log.Warning("this node stops: {Running} running unit(s) finish first and {Waiting} waiting unit(s) go back " +
                    "to the queue", running.Count, waiting.Count);
        waiting.Clear();
        coordinator.Tell(new DrainRequested(node, Drain: true));
        Timers.StartSingleTimer(nameof(DrainUnanswered), DrainUnanswered.Instance, DrainAnswerPatience);
    }

    private void OnDrainHeard()
    {
        drainHeard = true;
        ReportDrainedWhenDone();
    }

    private void ReportDrainedWhenDone()
    {
        if (drained is null || !drainHeard || running.Count > 0 || unacknowledged.Count > 0)
            return;
        log.Info("drained: every unit this node ran is finished and acknowledged");
        drained.Tell(Drained.Instance);
    }

    private void RequestWork()
    {
        if (drained is null)
            coordinator.Tell(new WorkRequested(node, Capacity, running.Count + waiting.Count));
    }

    private void OnOffered(WorkOffered offer)
    {
        if (running.ContainsKey(offer.WorkId) || unacknowledged.ContainsKey(offer.WorkId)
            || waiting.Any(w => w.WorkId == offer.WorkId))
            return;
        if (engine is not null && offer.Item.Kind == WorkKind.Train)
            Start(offer, engine);
        else if (idle.Count > 0)
            Start(offer);
        // Draining, an offer was leased before the coordinator heard of the drain: it trains here if it can start
        // now (the drain waits for it); one that would wait for a slot goes back to the queue when the node leaves.
        else if (drained is null)
            waiting.Enqueue(offer);
    }

    /// <summary>
    /// The coordinator ended these units' leases (their search was cancelled, or this node lost them while it was
    /// unheard or stalled): a waiting one is dropped, a slot's
    /// run is stopped between two chunks and its slot freed; the stacking engine stops the run as
    /// <see cref="StackWorker"/> says.
    /// </summary>
    private void OnCancelled(UnitsCancelled cancelled)
    {
        var ids = cancelled.WorkIds.ToHashSet();
        foreach (var dropped in waiting.Where(w => ids.Contains(w.WorkId)).ToList())
            log.Info("{WorkId}: dropped before it started, its lease ended", dropped.WorkId);
        var kept = waiting.Where(w => !ids.Contains(w.WorkId)).ToList();
        waiting.Clear();
        kept.ForEach(waiting.Enqueue);
        foreach (var id in ids)
            if (running.TryGetValue(id, out var worker))
                worker.Tell(new UnitWorker.Stop(id));
    }

    private void Start(WorkOffered offer)
    {
        var worker = idle[^1];
        idle.RemoveAt(idle.Count - 1);
        Start(offer, worker);
    }

    private void Start(WorkOffered offer, IActorRef worker)
    {
        log.Info("{WorkId}: starting {Item}", offer.WorkId, offer.Item);
        running[offer.WorkId] = worker;
        NodeMetrics.Slots(running.Count, Capacity);
        worker.Tell(new UnitWorker.RunUnit(offer.WorkId, offer.Item, offer.SpecJson, offer.DatasetFingerprint));
    }

    private void Deliver(WorkDone done)
    {
        unacknowledged[done.WorkId] = done;
        coordinator.Tell(done);
    }

    /// <summary>A diverged run is the ticket's fate, journaled as a result; anything else gives the unit back.
    /// <paramref name="restarted"/>: a slot's worker threw and is restarted (the decider above); the engine
    /// reports its members' failures and trains on.</summary>
    private void OnUnitFailed(string workId, Exception cause, bool restarted)
    {
        var fault = SearchFault.Of(cause);
        log.Warning("{WorkId} failed: {Cause}", workId, fault.Cause);
        if (fault.Kind == FaultKind.Scientific)
            Deliver(new WorkDone(node, workId, WorkOutput.Diverged($"{cause.GetType().Name}: {cause.Message}"))
            {
                Setup = setup,
            });
        else
        {
            if (restarted)
                NodeMetrics.TrainerRestarted();
            NodeMetrics.UnitGivenBack();
            coordinator.Tell(new WorkAbandoned(node, workId, fault.Cause));
            Context.System.EventStream.Publish(new UnitGivenBack(workId, fault));
        }
        FreeSlot(workId);
    }

    private void FreeSlot(string workId)
    {
        if (!running.Remove(workId, out var worker))
            return;
        progress.Remove(workId);
        NodeMetrics.Slots(running.Count, Capacity);
        if (worker.Equals(engine))
        {
            RequestWork();
            ReportDrainedWhenDone();
            return;
        }
        idle.Add(worker);
        if (waiting.TryDequeue(out var next))
            Start(next);
        else
            RequestWork();
        ReportDrainedWhenDone();
    }

    /// <summary>
    /// On this node's event stream: a unit was given back (or refused) for a fault outside its science. A cluster
    /// lets another node try it; a search alone on its node (<c>OneNodeRun</c>) has no other node and stops on it.
    /// Local to the node, so it has no manifest.
    /// </summary>
    public sealed record UnitGivenBack(string WorkId, SearchFault Fault);

    private sealed record UnitFailed(string WorkId, Exception Cause);

    private sealed record Drain
    {
        public static readonly Drain Instance = new();
    }

    private sealed record DrainUnanswered
    {
        public static readonly DrainUnanswered Instance = new();
    }

    private sealed record Drained
    {
        public static readonly Drained Instance = new();
    }

    private sealed record Pull
    {
        public static readonly Pull Instance = new();
    }

    private sealed record Renew
    {
        public static readonly Renew Instance = new();
    }

    private sealed record Redeliver
    {
        public static readonly Redeliver Instance = new();
    }
}
