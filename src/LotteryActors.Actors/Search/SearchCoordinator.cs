using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using LotteryActors.Actors.Ensembles;
using LotteryActors.Actors.Diagnostics;
using LotteryActors.Actors.Observability;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Tickets;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;
using static LotteryActors.Actors.Protocol.SearchMessages;
using static LotteryActors.Actors.Protocol.TicketMessages;

namespace LotteryActors.Actors.Search;

/// <summary>
/// The persistent heart of a search. It journals every fact (persist first, then acknowledge), folds the facts
/// into a <see cref="SearchState"/>, and hands out runs: on start and after any crash it recovers, finds each
/// ticket's last journaled run and lets the trainers continue from there. Decisions live in the state; this actor
/// only persists, applies and dispatches.
/// It supervises its children on purpose: a failed ticket supervisor or ensemble aggregator is stopped and started
/// again after a backoff, at most max-restarts times; then, like a stalled ticket or a journal that cannot be written,
/// the search halts: the listener hears <see cref="SearchHalted"/> with the fault, and the coordinator stops.
/// Nothing is journaled about such a fault, so resuming continues where the journal ends.
/// </summary>
public sealed class SearchCoordinator : ReceivePersistentActor, IWithTimers
{
    private readonly SearchSpec spec;
    private readonly TrainingNode node;
    private readonly IActorRef listener;
    private readonly TimeProvider clock;
    private readonly bool retryFailed;
    private readonly ILoggingAdapter log;
    private SearchState state = SearchState.Empty;
    private IActorRef? supervisor;
    private IActorRef? aggregator;
    private bool ensembling;
    private bool halted;
    private int eventsSinceSnapshot;
    private Exception? childFailure;
    private int childFailures;

    public SearchCoordinator(
        SearchSpec spec, TrainingNode node, IActorRef listener, TimeProvider clock, bool retryFailed)
    {
        this.spec = spec;
        this.node = node;
        this.listener = listener;
        this.clock = clock;
        this.retryFailed = retryFailed;
        log = Context.SearchLogger(spec.SearchId);

        Recover<SnapshotOffer>(offer => state = ((SearchSnapshot)offer.Snapshot).ToState());
        Recover<ISearchEvent>(e => state = state.Apply(e));
        Recover<RecoveryCompleted>(_ => Self.Tell(Proceed.Instance));

        Command<Proceed>(_ => OnProceed());
        Command<NextRunRequested>(OnNextRunRequested);
        Command<RunFinished>(OnRunFinished);
        Command<TicketGaveUp>(gaveUp =>
            Record(new TicketFailed(gaveUp.Ticket, gaveUp.Reason, gaveUp.Attempts, Now), _ => CheckAllTicketsDone()));
        Command<TicketStalled>(stalled => Halt(stalled.Fault));
        Command<Terminated>(terminated => OnChildStopped(terminated.ActorRef));
        Command<ReviveChildren>(_ => Revive());
        Command<EnsembleAggregator.Evaluated>(evaluated =>
            Record(new EnsembleEvaluated(evaluated.Report, Now), _ =>
                Record(new SearchCompleted(Now), _ => listener.Tell(new SearchFinished(state)))));
        Command<GetState>(_ => Sender.Tell(state));
        Command<SaveSnapshotSuccess>(saved =>
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failed => log.Warning("snapshot failed: {Cause}", failed.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed =>
            log.Warning("old snapshots not deleted: {Cause}", failed.Cause.Message));
    }

    public static string PersistenceIdFor(string searchId) => $"search-{searchId}";

    public override string PersistenceId => PersistenceIdFor(spec.SearchId);

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="retryFailed">Reopen tickets journaled as failed (resume --retry-failed) before going on.</param>
    public static Props Props(SearchSpec spec, TrainingNode node, IActorRef listener, TimeProvider? clock = null,
        bool retryFailed = false) =>
        Akka.Actor.Props.Create(() =>
            new SearchCoordinator(spec, node, listener, clock ?? TimeProvider.System, retryFailed));

    // Akka's own failure log would print each retried failure with its stack; OnChildStopped logs one line.
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(RecordAndStop, loggingEnabled: false);

    /// <summary>Runs on this actor's thread before the failed child's Terminated, which then acts on it.</summary>
    private Directive RecordAndStop(Exception cause)
    {
        childFailure = cause;
        return Directive.Stop;
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        JournalFailed($"could not write {@event.GetType().Name} to the journal", cause);

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) =>
        JournalFailed($"the journal rejected {@event.GetType().Name}", cause);

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        JournalFailed($"could not read search {spec.SearchId} from the journal", reason);

    /// <summary>Akka stops a persistent actor whose journal failed; the listener hears why, in one line.</summary>
    private void JournalFailed(string what, Exception cause)
    {
        log.Debug(cause, "{What}", what);
        var detail = SearchFault.Of(cause).Cause;
        Halt(new SearchFault(FaultKind.Environmental,
            $"{what}: {detail}; nothing journaled was lost, resume when it is back"));
    }

    private DateTimeOffset Now => clock.GetUtcNow();

    private void OnProceed()
    {
        if (!state.Started)
        {
            Record(new SearchStarted(spec.SearchId, CanonicalSpec.ToJson(spec), Now), _ => OnProceed());
            return;
        }
        var data = node.Runner.Data;
        if (state.DatasetFingerprint is null)
        {
            Record(new DatasetRecorded(data.Fingerprint, Now), _ => OnProceed());
            return;
        }
        if (state.DatasetMismatch(data.Fingerprint, spec.Dataset.Path) is { } mismatch)
        {
            Halt(new SearchFault(FaultKind.WrongDataset, mismatch));
            return;
        }
        var setup = node.Setup;
        if (state.Setup != setup)
        {
            if (state.Setup is { } earlier)
                log.Warning("search {SearchId}: its runs so far were trained {Earlier}, and from here {Now}; " +
                            "these will not match bit for bit what the earlier setup would have made",
                    spec.SearchId, earlier, setup);
            Record(new SetupRecorded(setup, Now), _ => OnProceed());
            return;
        }
        if (retryFailed && state.FailedTickets().ToList() is { Count: > 0 } failed)
        {
            log.Info("retrying {Count} failed ticket(s)", failed.Count);
            RecordAll(failed.Select(t => new TicketRetried(t, Now)).ToList());
            DeferAsync(Proceed.Instance, _ => OnProceed());
            return;
        }
        var missing = state.InitsNotDrawn().ToList();
        if (missing.Count > 0)
        {
            var draws = missing.Select(id =>
            {
                var init = node.Runner.DrawInit(id);
                return new InitDrawn(id.WidthIndex, init, node.Runner.DenseMask(init), Now, id.Index);
            }).ToList();
            RecordAll(draws);
            DeferAsync(Proceed.Instance, _ => OnProceed());
            return;
        }
        if (state.Completed)
        {
            listener.Tell(new SearchFinished(state));
            return;
        }
        var (done, total) = state.Progress();
        log.Info("search {SearchId}: {Done} of {Total} runs journaled; continuing", spec.SearchId, done, total);
        Context.System.EventStream.Publish(new RunsJournaled(spec.SearchId, done, total));
        StartTickets();
        CheckAllTicketsDone();
    }

    private void StartTickets()
    {
        supervisor = Context.Watch(Context.ActorOf(TicketSupervisor.Props(Self, node), "tickets"));
        foreach (var ticket in state.OpenTickets())
            supervisor.Tell(new StartTicket(ticket));
    }

    private void OnNextRunRequested(NextRunRequested request)
    {
        var trainer = Sender;
        var ticket = state.Ticket(request.Ticket);
        if (ticket.Done)
        {
            trainer.Tell(new TicketComplete(request.Ticket));
            return;
        }
        if (state.NextUnit(request.Ticket) is { } unit)
        {
            trainer.Tell(new RunAssigned(unit));
            return;
        }
        Record(new TicketFinished(request.Ticket, Now), _ =>
        {
            trainer.Tell(new TicketComplete(request.Ticket));
            CheckAllTicketsDone();
        });
    }

    private void OnRunFinished(RunFinished finished)
    {
        var trainer = Sender;
        var result = finished.Result;
        if (!state.IsNew(result))
        {
            trainer.Tell(new RunRecorded(result.Unit));
            return;
        }
        Record(new RoundCompleted(result, Now), _ =>
        {
            var (done, total) = state.Progress();
            var m = result.Metrics;
            log.ForTicket(spec, result.Unit.Ticket).ForUnit(result.Unit).Info(
                "[{Done}/{Total}] {WorkUnit}: density {Density:F3}, test accuracy {TestAccuracy:F4} " +
                "(early stop {EarlyStopAccuracy:F4} at iteration {EarlyStopIteration})",
                new object[]
                {
                    done, total, result.Unit.ToString(), result.Density, m.TestAccuracy, m.TestAccuracyAtEarlyStop,
                    m.EarlyStopIteration,
                });
            Context.System.EventStream.Publish(new RunsJournaled(spec.SearchId, done, total));
            trainer.Tell(new RunRecorded(result.Unit));
        });
    }

    private void CheckAllTicketsDone()
    {
        if (!state.AllTicketsDone || ensembling || state.Completed)
            return;
        ensembling = true;
        var levels = EnsembleEvaluation.Plan(spec, state.FinishedTicketRuns());
        if (levels.Count == 0)
        {
            Self.Tell(new EnsembleAggregator.Evaluated(new EnsembleReport([])));
            return;
        }
        log.Info("all tickets done; evaluating ensembles");
        StartAggregator(levels);
    }

    private void StartAggregator(IReadOnlyList<EnsembleMembers> levels)
    {
        aggregator = Context.Watch(Context.ActorOf(EnsembleAggregator.Props(node), "ensembles"));
        aggregator.Tell(new EnsembleAggregator.Evaluate(levels));
    }

    private void OnChildStopped(IActorRef child)
    {
        if (child.Equals(supervisor))
            supervisor = null;
        if (child.Equals(aggregator))
            aggregator = null;
        if (childFailure is not { } cause || halted)
            return;
        childFailure = null;
        var fault = SearchFault.Of(cause);
        log.Debug(cause, "{Child} failed", child.Path.Name);
        if (++childFailures > node.Runtime.MaxRestarts)
        {
            Halt(fault);
            return;
        }
        var delay = node.Runtime.Backoff(childFailures);
        log.Warning("{Child} failed ({Cause}); retry {Attempt} of {MaxRestarts} in {BackoffSeconds:0.##} s",
            child.Path.Name, fault.Cause, childFailures, node.Runtime.MaxRestarts, delay.TotalSeconds);
        Timers.StartSingleTimer(nameof(ReviveChildren), ReviveChildren.Instance, delay);
    }

    /// <summary>Starts again whichever child a failure took away, if there is still work for it.</summary>
    private void Revive()
    {
        if (supervisor is null && state.OpenTickets().Any())
            StartTickets();
        if (ensembling && aggregator is null && !state.Completed)
            StartAggregator(EnsembleEvaluation.Plan(spec, state.FinishedTicketRuns()));
    }

    /// <summary>Stops the search without journaling the fault: its cause is the machine's, not the search's.</summary>
    private void Halt(SearchFault fault)
    {
        if (halted)
            return;
        halted = true;
        listener.Tell(new SearchHalted(fault));
        Context.Stop(Self);
    }

    private void Record<TEvent>(TEvent e, Action<TEvent> then) where TEvent : ISearchEvent
    {
        var asked = Stopwatch.GetTimestamp();
        Persist(e, persisted =>
        {
            NodeMetrics.Journaled(persisted, Stopwatch.GetElapsedTime(asked));
            Apply(persisted);
            then(persisted);
        });
    }

    private void RecordAll<TEvent>(IReadOnlyList<TEvent> events) where TEvent : ISearchEvent
    {
        var asked = Stopwatch.GetTimestamp();
        PersistAll(events, persisted =>
        {
            NodeMetrics.Journaled(persisted, Stopwatch.GetElapsedTime(asked));
            Apply(persisted);
        });
    }

    private void Apply(ISearchEvent e)
    {
        state = state.Apply(e);
        if (++eventsSinceSnapshot < node.Runtime.SnapshotEvery)
            return;
        eventsSinceSnapshot = 0;
        SaveSnapshot(SearchSnapshot.From(state));
    }

    private sealed record Proceed
    {
        public static readonly Proceed Instance = new();
    }

    private sealed record ReviveChildren
    {
        public static readonly ReviveChildren Instance = new();
    }
}
