using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Diagnostics;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tickets;
using static LotteryActors.Actors.Protocol.SearchMessages;

namespace LotteryActors.Actors.Hosting;

/// <summary>
/// The host's end of a search: parent and listener of its coordinator, and the only place its outcome is decided.
/// The task completes with the search's state, or fails with a <see cref="SearchHaltedException"/> naming the fault,
/// whatever stops the search: a halt the coordinator decides, or the coordinator itself failing. A coordinator that
/// throws (drawing an init on a full disk) is started again after a backoff, at most max-restarts times; it recovers
/// from the journal, so nothing is repeated. The host never waits on a search that nobody runs any more.
/// </summary>
public sealed class SearchRun : ReceiveActor, IWithTimers
{
    private readonly TrainingNode node;
    private readonly TaskCompletionSource<SearchState> outcome;
    private readonly bool retryFailed;
    private readonly ILoggingAdapter log;
    private Exception? crash;
    private int crashes;

    public SearchRun(TrainingNode node, TaskCompletionSource<SearchState> outcome, bool retryFailed)
    {
        this.node = node;
        this.outcome = outcome;
        this.retryFailed = retryFailed;
        log = Context.SearchLogger(node.Runner.Spec.SearchId);
        // Block bodies: a handler returning bool would be read as "handled or not", and TrySet* returns false once set.
        Receive<SearchFinished>(finished => { outcome.TrySetResult(finished.State); });
        Receive<SearchHalted>(halted => { outcome.TrySetException(new SearchHaltedException(halted.Fault)); });
        Receive<Terminated>(_ => OnCoordinatorStopped());
        Receive<StartCoordinator>(_ => Start());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TrainingNode node, TaskCompletionSource<SearchState> outcome, bool retryFailed = false) =>
        Akka.Actor.Props.Create(() => new SearchRun(node, outcome, retryFailed));

    protected override void PreStart() => Start();

    // Akka's own failure log would print each retried failure with its stack; OnCoordinatorStopped logs one line.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(cause =>
    {
        crash = cause;
        return Directive.Stop;
    }, loggingEnabled: false);

    private void Start()
    {
        var spec = node.Runner.Spec;
        Context.Watch(Context.ActorOf(
            SearchCoordinator.Props(spec, node, Self, retryFailed: retryFailed), $"search-{spec.SearchId}"));
    }

    private void OnCoordinatorStopped()
    {
        if (outcome.Task.IsCompleted)
            return;
        if (crash is not { } cause)
        {
            outcome.TrySetException(new SearchHaltedException(
                new SearchFault(FaultKind.Bug, "the search coordinator stopped before the search finished")));
            return;
        }
        crash = null;
        var fault = SearchFault.Of(cause);
        log.Debug(cause, "the search coordinator failed");
        if (++crashes > node.Runtime.MaxRestarts)
        {
            outcome.TrySetException(new SearchHaltedException(fault));
            return;
        }
        var delay = node.Runtime.Backoff(crashes);
        log.Warning(
            "the search coordinator failed ({Cause}); retry {Attempt} of {MaxRestarts} in {BackoffSeconds:0.##} s",
            fault.Cause, crashes, node.Runtime.MaxRestarts, delay.TotalSeconds);
        Timers.StartSingleTimer(nameof(StartCoordinator), StartCoordinator.Instance, delay);
    }

    private sealed record StartCoordinator
    {
        public static readonly StartCoordinator Instance = new();
    }
}
