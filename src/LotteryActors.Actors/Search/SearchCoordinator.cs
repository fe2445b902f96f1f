using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using LotteryActors.Actors.Ensembles;
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
/// </summary>
public sealed class SearchCoordinator : ReceivePersistentActor
{
    private readonly SearchSpec spec;
    private readonly TrainingNode node;
    private readonly IActorRef listener;
    private readonly TimeProvider clock;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private SearchState state = SearchState.Empty;
    private IActorRef? supervisor;
    private bool ensembling;
    private int eventsSinceSnapshot;

    public SearchCoordinator(SearchSpec spec, TrainingNode node, IActorRef listener, TimeProvider clock)
    {
        this.spec = spec;
        this.node = node;
        this.listener = listener;
        this.clock = clock;

        Recover<SnapshotOffer>(offer => state = ((SearchSnapshot)offer.Snapshot).ToState());
        Recover<ISearchEvent>(e => state = state.Apply(e));
        Recover<RecoveryCompleted>(_ => Self.Tell(Proceed.Instance));

        Command<Proceed>(_ => OnProceed());
        Command<NextRunRequested>(OnNextRunRequested);
        Command<RunFinished>(OnRunFinished);
        Command<TicketGaveUp>(gaveUp =>
            Record(new TicketFailed(gaveUp.Ticket, gaveUp.Reason, gaveUp.Attempts, Now), _ => CheckAllTicketsDone()));
        Command<EnsembleAggregator.Evaluated>(evaluated =>
            Record(new EnsembleEvaluated(evaluated.Report, Now), _ =>
                Record(new SearchCompleted(Now), _ => listener.Tell(new SearchFinished(state)))));
        Command<GetState>(_ => Sender.Tell(state));
        Command<SaveSnapshotSuccess>(saved =>
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failed => log.Warning("snapshot failed: {0}", failed.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => log.Warning("old snapshots not deleted: {0}", failed.Cause.Message));
    }

    public static string PersistenceIdFor(string searchId) => $"search-{searchId}";

    public override string PersistenceId => PersistenceIdFor(spec.SearchId);

    public static Props Props(SearchSpec spec, TrainingNode node, IActorRef listener, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new SearchCoordinator(spec, node, listener, clock ?? TimeProvider.System));

    private DateTimeOffset Now => clock.GetUtcNow();

    private void OnProceed()
    {
        if (!state.Started)
        {
            Record(new SearchStarted(spec.SearchId, CanonicalSpec.ToJson(spec), Now), _ => OnProceed());
            return;
        }
        var missing = state.WidthsWithoutInit().ToList();
        if (missing.Count > 0)
        {
            var draws = missing.Select(w =>
            {
                var init = node.Runner.DrawInit(w);
                return new InitDrawn(w, init, node.Runner.DenseMask(init), Now);
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
        log.Info("search {0}: {1} of {2} runs journaled; continuing", spec.SearchId, done, total);
        supervisor = Context.ActorOf(TicketSupervisor.Props(Self, node), "tickets");
        foreach (var ticket in state.OpenTickets())
            supervisor.Tell(new StartTicket(ticket));
        CheckAllTicketsDone();
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
            log.Info($"[{done}/{total}] {result.Unit}: density {result.Density:F3}, test accuracy {m.TestAccuracy:F4} " +
                     $"(early stop {m.TestAccuracyAtEarlyStop:F4} at iteration {m.EarlyStopIteration})");
            trainer.Tell(new RunRecorded(result.Unit));
        });
    }

    private void CheckAllTicketsDone()
    {
        if (!state.AllTicketsDone || ensembling || state.Completed)
            return;
        ensembling = true;
        var ticketRuns = state.Tickets.Values.Where(t => t.Finished).SelectMany(t => t.Runs)
            .Where(r => r.Unit.Kind == RunKind.Ticket).ToList();
        if (ticketRuns.Count == 0)
        {
            Self.Tell(new EnsembleAggregator.Evaluated(new EnsembleReport([])));
            return;
        }
        log.Info("all tickets done; evaluating ensembles");
        Context.ActorOf(EnsembleAggregator.Props(node), "ensembles").Tell(new EnsembleAggregator.Evaluate(ticketRuns));
    }

    private void Record<TEvent>(TEvent e, Action<TEvent> then) where TEvent : ISearchEvent =>
        Persist(e, persisted =>
        {
            Apply(persisted);
            then(persisted);
        });

    private void RecordAll<TEvent>(IReadOnlyList<TEvent> events) where TEvent : ISearchEvent =>
        PersistAll(events, persisted => Apply(persisted));

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
}
