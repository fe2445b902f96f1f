using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Trainers;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Hosting;

/// <summary>
/// The host's end of a search alone on its node: parent of the search's coordinator (every message for it goes
/// through here, so the node's puller keeps one address while the coordinator is started again), and the only
/// place the search's outcome is decided. A cluster waits for another node where this node fails; here there is
/// none, so the outcome is the search's state once it finished, or a <see cref="SearchHaltedException"/> when a unit
/// was given back more than max-restarts times (each retried after the one-node give-back backoff), when the node's
/// dataset is not the search's, when the coordinator's journal fails, or when the coordinator crashed more than
/// max-restarts times (each started again after a backoff; it recovers from the journal, so nothing is repeated).
/// Nothing leaves the process waiting on a search that nobody runs any more.
/// </summary>
public sealed class OneNodeRun : ReceiveActor, IWithTimers
{
    private readonly Props coordinatorProps;
    private readonly string searchId;
    private readonly RuntimeSettings runtime;
    private readonly TaskCompletionSource<SearchState> outcome;
    private readonly TimeSpan pollEvery;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<string, int> givenBack = [];
    private IActorRef? coordinator;
    private Exception? crash;
    private int crashes;
    private int journaled = -1;

    public OneNodeRun(Props coordinatorProps, string searchId, RuntimeSettings runtime,
        TaskCompletionSource<SearchState> outcome, TimeSpan pollEvery)
    {
        this.coordinatorProps = coordinatorProps;
        this.searchId = searchId;
        this.runtime = runtime;
        this.outcome = outcome;
        this.pollEvery = pollEvery;
        Receive<SearchProgress>(_ => Sender.Equals(coordinator), OnProgress);
        // Block bodies: a handler returning bool would be read as "handled or not", and TrySet* returns false once set.
        Receive<SearchState>(_ => Sender.Equals(coordinator), finished => { outcome.TrySetResult(finished); });
        Receive<WorkPuller.UnitGivenBack>(OnGivenBack);
        Receive<WorkCoordinator.JournalFailedNotice>(failed => Halt(failed.Fault));
        Receive<Terminated>(_ => OnCoordinatorStopped());
        Receive<StartCoordinator>(_ => Start());
        Receive<Follow>(_ => Timers.StartPeriodicTimer(nameof(Poll), Poll.Instance, pollEvery));
        Receive<Poll>(_ => coordinator?.Tell(new ProgressRequested(searchId)));
        // While the coordinator is started again a message is dropped: the puller pulls and re-sends on its timers.
        ReceiveAny(message => coordinator?.Forward(message));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Props coordinator, string searchId, RuntimeSettings runtime,
        TaskCompletionSource<SearchState> outcome, TimeSpan pollEvery) =>
        Akka.Actor.Props.Create(() => new OneNodeRun(coordinator, searchId, runtime, outcome, pollEvery));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(WorkPuller.UnitGivenBack));
        Context.System.EventStream.Subscribe(Self, typeof(WorkCoordinator.JournalFailedNotice));
        Start();
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    // Akka's own failure log would print each crash with its stack; OnCoordinatorStopped logs one line.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(cause =>
    {
        crash = cause;
        return Directive.Stop;
    }, loggingEnabled: false);

    private void Start() => coordinator = Context.Watch(Context.ActorOf(coordinatorProps, "coordinator"));

    /// <summary>The console follows the journaled count on the event stream, as it followed the single-node
    /// coordinator; a finished search is asked for its state.</summary>
    private void OnProgress(SearchProgress progress)
    {
        if (progress.Known && progress.Done != journaled)
        {
            journaled = progress.Done;
            Context.System.EventStream.Publish(new ProgressMessages.RunsJournaled(searchId, progress.Done,
                progress.Total));
        }
        if (progress.Finished)
            coordinator!.Tell(new WorkCoordinator.SearchRequested(searchId));
    }

    /// <summary>A node alone cannot leave a unit to another node: another copy of the dataset stops the search at
    /// once, any other fault once the unit was given back more than max-restarts times.</summary>
    private void OnGivenBack(WorkPuller.UnitGivenBack given)
    {
        var times = givenBack[given.WorkId] = givenBack.GetValueOrDefault(given.WorkId) + 1;
        if (given.Fault.Kind == FaultKind.WrongDataset || times > runtime.MaxRestarts)
            Halt(given.Fault);
        else
            log.Warning("{WorkId} failed ({Cause}); retry {Attempt} of {MaxRestarts}",
                given.WorkId, given.Fault.Cause, times, runtime.MaxRestarts);
    }

    private void OnCoordinatorStopped()
    {
        coordinator = null;
        if (outcome.Task.IsCompleted)
            return;
        if (crash is not { } cause)
        {
            Halt(new SearchFault(FaultKind.Bug, "the search coordinator stopped before the search finished"));
            return;
        }
        crash = null;
        var fault = SearchFault.Of(cause);
        log.Debug("the search coordinator failed: {Cause}", cause);
        if (++crashes > runtime.MaxRestarts)
        {
            Halt(fault);
            return;
        }
        var delay = runtime.Backoff(crashes);
        log.Warning(
            "the search coordinator failed ({Cause}); retry {Attempt} of {MaxRestarts} in {BackoffSeconds:0.##} s",
            fault.Cause, crashes, runtime.MaxRestarts, delay.TotalSeconds);
        Timers.StartSingleTimer(nameof(StartCoordinator), StartCoordinator.Instance, delay);
    }

    private void Halt(SearchFault fault) => outcome.TrySetException(new SearchHaltedException(fault));

    /// <summary>From the host, once the search is taken (and its failed tickets reopened where asked): follow it
    /// to its end. Not before: a completed search about to be retried would end at once.</summary>
    public sealed record Follow
    {
        public static readonly Follow Instance = new();
    }

    private sealed record StartCoordinator
    {
        public static readonly StartCoordinator Instance = new();
    }

    private sealed record Poll
    {
        public static readonly Poll Instance = new();
    }
}
