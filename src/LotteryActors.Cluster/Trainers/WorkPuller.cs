using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Protocol;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Trainers;

/// <summary>
/// A trainer node's end of work pulling. It asks the coordinator for work whenever a slot frees (and every
/// pull interval, so a coordinator that just took over learns of it), runs each leased unit in a
/// <see cref="UnitWorker"/>, renews its leases while they run, and sends each output until the coordinator
/// acknowledges it: an output finished while the singleton moves is re-sent to its successor, never lost.
/// A unit that diverges is reported as the ticket's fate; any other failure gives the unit back for another try.
/// </summary>
public sealed class WorkPuller : ReceiveActor, IWithTimers
{
    private readonly IActorRef coordinator;
    private readonly string node;
    private readonly int slots;
    private readonly RunnerSource runners;
    private readonly int chunkIterations;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> running = [];
    private readonly Queue<WorkOffered> waiting = new();
    private readonly Dictionary<string, WorkDone> unacknowledged = [];
    private readonly Dictionary<string, Exception> failures = [];

    public WorkPuller(IActorRef coordinator, string node, int slots, RunnerSource runners, int chunkIterations,
        WorkTiming timing)
    {
        this.coordinator = coordinator;
        this.node = node;
        this.slots = slots;
        this.runners = runners;
        this.chunkIterations = chunkIterations;

        Receive<WorkOffered>(OnOffered);
        Receive<UnitWorker.Finished>(finished => Deliver(new WorkDone(node, finished.WorkId, finished.Output)));
        // A block body: a handler returning bool would be read as "handled or not", and a repeated ack removes nothing.
        Receive<WorkAcknowledged>(ack => { unacknowledged.Remove(ack.WorkId); });
        Receive<WorkerStopped>(stopped => OnWorkerStopped(stopped.WorkId));
        Receive<Pull>(_ => RequestWork());
        Receive<Renew>(_ =>
        {
            if (running.Count + waiting.Count > 0)
                coordinator.Tell(new LeasesHeld(node, [.. running.Keys, .. waiting.Select(w => w.WorkId)]));
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
        int chunkIterations, WorkTiming timing) =>
        Akka.Actor.Props.Create(() => new WorkPuller(coordinator, node, slots, runners, chunkIterations, timing));

    protected override void PreStart() => RequestWork();

    /// <summary>
    /// A worker that throws is stopped; its Terminated then decides what the failure means. The decider runs on
    /// this actor's thread before that Terminated arrives, so it may record the cause.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(cause =>
    {
        if (cause is not UnitFailedException failed)
            return Directive.Escalate;
        failures[failed.WorkId] = failed.InnerException!;
        return Directive.Stop;
    }, loggingEnabled: false);

    private void RequestWork() => coordinator.Tell(new WorkRequested(node, slots, running.Count + waiting.Count));

    private void OnOffered(WorkOffered offer)
    {
        if (running.ContainsKey(offer.WorkId) || unacknowledged.ContainsKey(offer.WorkId)
            || waiting.Any(w => w.WorkId == offer.WorkId))
            return;
        if (running.Count < slots)
            Start(offer);
        else
            waiting.Enqueue(offer);
    }

    private void Start(WorkOffered offer)
    {
        log.Info("{WorkId}: starting {Item}", offer.WorkId, offer.Item);
        var worker = Context.ActorOf(UnitWorker.Props(offer.WorkId, offer.Item, offer.SpecJson, runners,
            chunkIterations), WorkerName(offer.WorkId));
        Context.WatchWith(worker, new WorkerStopped(offer.WorkId));
        running[offer.WorkId] = worker;
    }

    private void Deliver(WorkDone done)
    {
        unacknowledged[done.WorkId] = done;
        coordinator.Tell(done);
    }

    private void OnWorkerStopped(string workId)
    {
        running.Remove(workId);
        if (failures.Remove(workId, out var cause))
        {
            var fault = SearchFault.Of(cause);
            log.Warning("{WorkId} failed: {Cause}", workId, fault.Cause);
            if (fault.Kind == FaultKind.Scientific)
                Deliver(new WorkDone(node, workId, WorkOutput.Diverged($"{cause.GetType().Name}: {cause.Message}")));
            else
                coordinator.Tell(new WorkAbandoned(node, workId, fault.Cause));
        }
        if (waiting.TryDequeue(out var next))
            Start(next);
        else
            RequestWork();
    }

    /// <summary>Actor names allow no '/', which work ids use.</summary>
    private static string WorkerName(string workId) => Uri.EscapeDataString(workId);

    private sealed record WorkerStopped(string WorkId);

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
