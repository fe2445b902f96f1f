using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;
using LotteryActors.Actors.Diagnostics;
using LotteryActors.Actors.Observability;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Coordinator;

/// <summary>
/// The cluster's one coordinator (a cluster singleton on <c>coordinator</c> nodes): it journals every search
/// submitted, every lease and every result (not the renewals: they move deadlines in memory), folds them into a
/// <see cref="CoordinatorState"/> and hands out work to the trainer nodes that ask. It holds no dataset and does no
/// tensor work. When its node dies the singleton starts on the next coordinator node, recovers the same state from
/// the journal, ends the leases of nodes that are gone and gives every live node's leases a fresh deadline; trainers
/// re-register and re-send unacknowledged results through the singleton proxy. A node the cluster stops hearing
/// loses its leases at once, before it is downed (<see cref="OnUnreachable"/>).
/// Decisions are the state's; this actor only persists, applies and tells.
/// <para>
/// Writes are pipelined (group commit): a decision is applied at once to <see cref="planned"/>, the state the next
/// decision builds on, and its events go to the journal with <c>PersistAllAsync</c>, which stashes nothing, so the
/// commands that arrive while one write is in flight are decided meanwhile and their events go to the journal
/// together, in the next write, one round trip for all of them. What makes this safe, and must stay so:
/// nothing leaves this actor before the events it rests on are journaled. A lease is offered to its node from the
/// handler of its own <see cref="WorkLeased"/>; a result is acknowledged, and a client answered, from the handler
/// of the decision's last event, or, for a decision that journals nothing (a result delivered again while its
/// first delivery's completion is being written), after every write in flight (<c>DeferAsync</c>). Answers and
/// snapshots read <see cref="state"/>, the journaled state, never the planned one.
/// </para>
/// </summary>
public sealed partial class WorkCoordinator : ReceivePersistentActor, IWithTimers
{
    public const string PersistenceIdValue = "lottery-cluster-coordinator";

    private readonly WorkTiming timing;
    private readonly int snapshotEvery;
    private readonly TimeProvider clock;
    private readonly IMembership membership;
    private readonly string persistenceId;
    private readonly UnitProgressPublishing? publishing;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<string, Puller> pullers = [];
    private readonly HashSet<string> otherProtocol = [];
    // Searches whose runs came from more than one setup, already said in the log.
    private readonly HashSet<string> mixedSetups = [];
    // Results from nodes that did not hold the unit's lease, already said in the log.
    private readonly HashSet<(string Node, string WorkId)> foreignResults = [];
    // Members the cluster does not hear now: their leases ended, and they get no work until they are heard again.
    private readonly HashSet<string> unreachable = [];
    // Each search's spec as every offer of its units carries it, written once rather than per offer: the spec a
    // search was taken with never changes (submitted again under its id, it changes nothing).
    private readonly Dictionary<string, string> specJson = [];
    // The journaled state: every event here is durable. What answers, snapshots and the dashboard read. Set in the
    // constructor: the cluster's coordinator forgets finished searches, a search's own one does not.
    private CoordinatorState state;
    // The journaled state and the events handed to the journal but not yet confirmed: what decisions read, so two
    // decisions made while one write is in flight never lease one unit twice or journal one result twice. It equals
    // state whenever no write is in flight (the same events folded in the same order).
    private CoordinatorState planned;
    // In memory only: the journaled state and its snapshots never hold them (see LeaseProgress, LeaseClock).
    private LeaseProgress progress = LeaseProgress.Empty;
    private LeaseClock deadlines = LeaseClock.Empty;
    private long? recoveredFrom;
    private int eventsSinceSnapshot;

    /// <param name="snapshotEvery">Events journaled between two snapshots of the state.</param>
    /// <param name="membership">Who the trainers are: the Akka.Cluster this node is in where null.</param>
    /// <param name="persistenceId">The journal this coordinator alone writes: the cluster's one coordinator where
    /// null, else one search's (<see cref="PersistenceIdFor"/>).</param>
    /// <param name="publishing">Where its running units' progress is published for the dashboard; null: nowhere.
    /// </param>
    public WorkCoordinator(WorkTiming timing, int snapshotEvery, TimeProvider clock, IMembership? membership = null,
        string? persistenceId = null, UnitProgressPublishing? publishing = null)
    {
        this.timing = timing;
        this.snapshotEvery = snapshotEvery;
        this.clock = clock;
        this.membership = membership ?? new ClusterMembership(Akka.Cluster.Cluster.Get(Context.System));
        this.persistenceId = persistenceId ?? PersistenceIdValue;
        this.publishing = publishing;
        // The cluster's coordinator serves a lab's searches for weeks and forgets each once it is finished; a
        // search's own holds that one search whole, which `lottery search` prints from when it is done.
        state = persistenceId is null ? CoordinatorState.Bounded : CoordinatorState.Empty;
        planned = state;

        Recover<SnapshotOffer>(offer =>
        {
            state = ((CoordinatorSnapshot)offer.Snapshot).ToState() with
            {
                ForgetsFinished = state.ForgetsFinished,
            };
            recoveredFrom = offer.Metadata.SequenceNr;
        });
        Recover<IClusterEvent>(e =>
        {
            state = state.Apply(e);
            eventsSinceSnapshot++;
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<SubmitSearch>(OnSubmit);
        Command<AdoptSearch>(adopt => Accept(adopt.Search.SearchId!, planned.Adopt(adopt.Search, Now)));
        Command<RetryFailedTickets>(OnRetryFailed);
        Command<WorkRequested>(OnWorkRequested);
        Command<LeasesHeld>(OnLeasesHeld);
        Command<WorkDone>(OnWorkDone);
        Command<WorkAbandoned>(OnWorkAbandoned);
        Command<WorkRefused>(OnWorkRefused);
        Command<ProgressRequested>(OnProgressRequested);
        Command<SearchRequested>(r => Sender.Tell(state.Searches.GetValueOrDefault(r.SearchId, SearchState.Empty)));
        Command<UncordonRequested>(OnUncordonRequested);
        Command<NodesRequested>(_ => Sender.Tell(new NodesReport(
            NodeTable.Of(state, ClusterMembers(), progress, timing.GiveBacks, Now))));
        Command<DrainRequested>(OnDrainRequested);
        Command<CancelRequested>(OnCancelRequested);
        Command<ClusterEvent.MemberRemoved>(removed => OnNodeLeft(NodeId.Of(removed.Member.UniqueAddress)));
        Command<ClusterEvent.UnreachableMember>(lost => OnUnreachable(NodeId.Of(lost.Member.UniqueAddress)));
        Command<ClusterEvent.ReachableMember>(back =>
        {
            if (unreachable.Remove(NodeId.Of(back.Member.UniqueAddress)))
                log.Info("{Node} is reachable again; it gets work when it next asks", back.Member.Address);
        });
        Command<CheckLeases>(_ => OnCheckLeases());
        Command<PublishProgress>(_ => Context.Child(UnitProgressName).Tell(new UnitProgressPublisher.Publish(
            UnitProgressPublisher.Running(state, progress, publishing!.StaleAfter))));
        // The journal is kept whole (it is the searches' record, read by status and reports); only the snapshots
        // before the newest are deleted: recovery reads the newest alone.
        Command<SaveSnapshotSuccess>(saved =>
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failed =>
            log.Warning("coordinator snapshot failed (recovery replays more events): {Cause}", failed.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed =>
            log.Warning("old coordinator snapshots not deleted: {Cause}", failed.Cause.Message));
    }

    public override string PersistenceId => persistenceId;

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        JournalFailed($"could not write {@event.GetType().Name} to the journal", cause);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>
    /// A rejected event (it could not be serialized) is not journaled, but <see cref="planned"/> already holds it, and
    /// decisions made since may rest on it: this coordinator stops, as for a failed write, and its successor
    /// recovers what the journal holds.
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        JournalFailed($"the journal rejected {@event.GetType().Name}", cause);
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        JournalFailed($"could not read {persistenceId} from the journal", reason);
        base.OnRecoveryFailure(reason, message);
    }

    /// <summary>
    /// Akka stops a coordinator whose journal failed; a cluster's back-off supervisor starts it again, while a search
    /// alone on its node stops with this one line (<c>OneNodeRun</c> hears it on the event stream).
    /// </summary>
    private void JournalFailed(string what, Exception cause) =>
        Context.System.EventStream.Publish(new JournalFailedNotice(new SearchFault(FaultKind.Environmental,
            $"{what}: {SearchFault.Of(cause).Cause}; nothing journaled was lost, resume when it is back")));

    /// <summary>
    /// The journal of the coordinator that runs one search alone (<c>lottery search</c>): keyed by the search, so
    /// searches in one database, from one home or several, never share a writer; the search's lock keeps two
    /// processes from running the same one.
    /// </summary>
    public static string PersistenceIdFor(string searchId) => OneSearchPrefix + searchId;

    /// <summary>The search whose coordinator journals under <paramref name="persistenceId"/> alone; null for any
    /// other journal.</summary>
    public static string? SearchIdOf(string persistenceId) =>
        persistenceId.StartsWith(OneSearchPrefix, StringComparison.Ordinal) ? persistenceId[OneSearchPrefix.Length..]
            : null;

    private const string OneSearchPrefix = "coordinator-";

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(WorkTiming timing, int snapshotEvery, TimeProvider? clock = null,
        IMembership? membership = null, string? persistenceId = null, UnitProgressPublishing? publishing = null) =>
        Akka.Actor.Props.Create(() => new WorkCoordinator(timing, snapshotEvery, clock ?? TimeProvider.System,
            membership, persistenceId, publishing));

    private const string UnitProgressName = "unit-progress";

    private DateTimeOffset Now => clock.GetUtcNow();

    protected override void PostStop() => membership.Unwatch(Self);

    /// <summary>
    /// After a hand-over the journal's deadlines ran on while nobody could hear the trainers' renewals (which are
    /// never journaled): the leases of nodes that are members now get a full timeout again, in memory, and those of
    /// nodes that are not (they died with the old coordinator, or left meanwhile) end at once, journaled, so their
    /// units run elsewhere without waiting for a deadline; those of members unreachable now end as the membership
    /// reports them, right after.
    /// A search whose tickets were all done before its ensembles became a unit gets that unit now.
    /// </summary>
    private void OnRecovered()
    {
        // A snapshot from before searches were forgotten holds the finished ones whole.
        state = state.ForgetFinished();
        planned = state;
        var (searches, open) = (state.Searches.Count, state.Queue.Open.Count);
        log.Info("coordinator recovered: {Searches} search(es) and {Finished} finished, {Open} open unit(s), " +
                 "{Leases} lease(s), from the snapshot at event {SnapshotAt} and {Replayed} event(s) after it",
            searches, state.Finished.Count, open, state.Queue.Leases.Count,
            recoveredFrom?.ToString(CultureInfo.InvariantCulture) ?? "none", eventsSinceSnapshot);
        var members = Members();
        var orphaned = planned.Queue.Orphaned(members, Now);
        if (orphaned.Count > 0)
            log.Warning("{Count} unit(s) leased to nodes that are no members any more go back to the queue",
                orphaned.Count);
        deadlines = deadlines.Renewed(
            state.Queue.RenewAll(Now, timing.LeaseTimeout).Where(r => members.Contains(r.Node)));
        RecordAndDispatch([.. orphaned, .. planned.EnsemblesDue(Now)]);
        membership.Watch(Self);
        Timers.StartPeriodicTimer(nameof(CheckLeases), CheckLeases.Instance, timing.ExpiryCheck);
        if (publishing is null || publishing.Every <= TimeSpan.Zero)
            return;
        Context.ActorOf(UnitProgressPublisher.Props(publishing.Table, persistenceId), UnitProgressName);
        Timers.StartPeriodicTimer(nameof(PublishProgress), PublishProgress.Instance, publishing.Every);
    }

    private void OnSubmit(SubmitSearch submit)
    {
        var spec = CanonicalSpec.FromJson(submit.SpecJson);
        var events = planned.Submit(spec, Now, submit.Priority);
        if (events is [SearchSubmitted submitted, ..])
            log.Info("search {SearchId} submitted: {Tickets} ticket(s), priority {Priority}", spec.SearchId,
                spec.Tickets().Count, submitted.Priority);
        if (events is [SearchResumed])
            log.Info("search {SearchId} resumed after it was cancelled", spec.SearchId);
        Accept(spec.SearchId, events);
    }

    /// <summary>Journals a search's taking (none where it was known; a resumption where it was cancelled), then
    /// tells the client and dispatches.</summary>
    private void Accept(string searchId, IReadOnlyList<IClusterEvent> events)
    {
        var client = Sender;
        RecordAndDispatch(events, () =>
        {
            client.Tell(new SearchAccepted(searchId, AlreadyKnown: events is [] or [SearchResumed],
                Resumed: events is [SearchResumed]));
        });
    }

    private void OnRetryFailed(RetryFailedTickets retry)
    {
        var client = Sender;
        var events = planned.RetryFailed(retry.SearchId, Now);
        var retried = events.OfType<TicketsRetried>().SingleOrDefault()?.Tickets.Count ?? 0;
        if (retried > 0)
            log.Info("search {SearchId}: {Count} failed ticket(s) run again", retry.SearchId, retried);
        RecordAndDispatch(events, () =>
        {
            client.Tell(new FailedTicketsRetried(retry.SearchId, state.Knows(retry.SearchId), retried));
        });
    }

    /// <summary>
    /// A node that speaks another version of the cluster protocol gets no work: it could not read its offers, and
    /// its units would go round through lease expiry. A node of this release refuses such a cluster on joining; an
    /// older one does not check, so the coordinator does.
    /// </summary>
    private void OnWorkRequested(WorkRequested request)
    {
        // A request sent before the cluster stopped hearing the node: it asks again once it is heard.
        if (unreachable.Contains(request.Node))
            return;
        if (membership.OtherProtocol(Sender.Path.Address) is { } other)
        {
            if (otherProtocol.Add(request.Node))
                log.Warning("{Node} speaks cluster protocol {Theirs}, this coordinator {Ours}: it gets no work " +
                            "until it runs the same version of lottery", request.Node, other.Theirs, other.Ours);
            return;
        }
        pullers[request.Node] = new Puller(Sender, request.Slots, request.Busy);
        RecordAndDispatch(planned.Register(request.Node, request.Slots, Now));
    }

    /// <summary>
    /// A renewal moves deadlines in memory only (see LeaseClock): nothing is journaled. Units the node still runs
    /// without holding their lease (it was unheard, or its run stalled, and they went back to the queue) are stopped
    /// there: their results would be ignored, and its slots are better spent on units it holds.
    /// Judged on the journaled state: a node holds only leases it was offered, all journaled, and is told to stop a
    /// unit only once the end of its lease is journaled too.
    /// </summary>
    private void OnLeasesHeld(LeasesHeld held)
    {
        progress = progress.Reported(held.Node, held.Progress, state.Queue, Now);
        deadlines = deadlines.Renewed(state.Queue.Renew(held.Node, held.WorkIds, Now, timing.LeaseTimeout));
        if (state.Queue.NotHeldBy(held.Node, held.WorkIds) is not { Count: > 0 } lost)
            return;
        log.Info("{Node} runs {Count} unit(s) whose lease it lost; told to stop them: {WorkIds}", held.Node,
            lost.Count, string.Join(", ", lost));
        Sender.Tell(new UnitsCancelled(lost));
    }

    private void OnWorkDone(WorkDone done)
    {
        var trainer = Sender;
        var events = planned.Complete(done.Node, done.WorkId, done.Output, Now, done.DatasetFingerprint, done.Setup);
        if (events is [WorkCompleted { Setup: { } setup }, ..])
            WarnOfAnotherSetup(done, setup);
        if (events.Count == 0 && planned.FromAnotherNode(done.Node, done.WorkId))
        {
            // Acknowledged, so the node stops re-sending it; said once per node and unit.
            if (foreignResults.Add((done.Node, done.WorkId)))
                log.Warning("{WorkId} from {Node}, which does not hold its lease, is ignored", done.WorkId, done.Node);
        }
        else if (events.Count == 0)
            log.Debug("{WorkId} from {Node} was journaled before; acknowledged again", done.WorkId, done.Node);
        else if (events is [LeaseEnded { Reason: LeaseEndReason.WrongDataset }])
            log.Warning("{Node} computed {WorkId} from a dataset whose fingerprint is {Fingerprint}, not the " +
                        "search's; the result is dropped and the node gets no more of its units",
                done.Node, done.WorkId, done.DatasetFingerprint);
        var unit = planned.Queue.Open.GetValueOrDefault(done.WorkId);
        RecordAndDispatch(events, () =>
        {
            if (events.OfType<WorkCompleted>().FirstOrDefault() is { } completed)
                LogJournaled(unit!, completed.Output);
            trainer.Tell(new WorkAcknowledged(done.WorkId));
        });
    }

    /// <summary>A unit's output journaled, in the lines <c>lottery search</c> has always printed, with the
    /// search's, ticket's and run's properties for Seq.</summary>
    private void LogJournaled(OpenUnit unit, WorkOutput output)
    {
        var searchLog = log.WithContext(SearchLogProperties.SearchId, unit.SearchId);
        if (output.Ensemble is { } ensembles)
            searchLog.Info("ensembles evaluated at {Levels} levels", ensembles.Levels.Count);
        // A run never finishes its search (its ensembles follow), so the search is still held whole here.
        if (unit.Item.Run?.ToDomain() is not { } trained)
            return;
        var runLog = searchLog.ForTicket(state.Searches[unit.SearchId].Spec!, trained.Ticket).ForUnit(trained);
        if (output.Failure is { } failure)
            runLog.Warning("{WorkUnit} failed: {Cause}", trained.ToString(), failure);
        if (output.Run?.ToDomain() is not { } run)
            return;
        var (done, total, _) = state.Progress(unit.SearchId);
        var m = run.Metrics;
        runLog.Info("[{Done}/{Total}] {WorkUnit}: density {Density:F3}, test accuracy {TestAccuracy:F4} " +
                 "(early stop {EarlyStopAccuracy:F4} at iteration {EarlyStopIteration})",
            new object[]
            {
                done, total, run.Unit.ToString(), run.Density, m.TestAccuracy, m.TestAccuracyAtEarlyStop,
                m.EarlyStopIteration,
            });
    }

    /// <summary>
    /// A run trained another way than the search's runs before it (nodes set up differently, or one reconfigured):
    /// said once per search, since on a cluster of mixed nodes it would otherwise be said at every switch.
    /// </summary>
    private void WarnOfAnotherSetup(WorkDone done, TrainingSetup setup)
    {
        var searchId = planned.Queue.Open[done.WorkId].SearchId;
        if (planned.Searches[searchId].Setup is { } earlier && earlier != setup && mixedSetups.Add(searchId))
            log.Warning("search {SearchId}: its runs so far were trained {Earlier}, and {WorkId} from {Node} " +
                        "{Setup}; its results will not match bit for bit what one setup would have made, and each " +
                        "run's setup is journaled with it", searchId, earlier, done.WorkId, done.Node, setup);
    }

    private void OnWorkAbandoned(WorkAbandoned abandoned)
    {
        log.Warning("{Node} gave back {WorkId}: {Reason}", abandoned.Node, abandoned.WorkId, abandoned.Reason);
        var events = planned.GiveBack(abandoned.Node, abandoned.WorkId, abandoned.Reason, timing.GiveBacks, Now);
        if (events.OfType<WorkFailed>().FirstOrDefault() is { } failed)
            log.Error("{WorkId} was given back {Count} time(s) by different nodes; it fails instead of running " +
                      "again: {Reason}", abandoned.WorkId, failed.GiveBacks, abandoned.Reason);
        if (events.OfType<NodeCordoned>().FirstOrDefault() is { } cordoned)
            log.Error("{Node} is cordoned, it takes no new units until an operator lifts the cordon: {Reason}",
                abandoned.Node, cordoned.Reason);
        RecordAndDispatch(events);
    }

    private void OnWorkRefused(WorkRefused refused)
    {
        log.Warning("{Node} refused {WorkId}: {Reason}", refused.Node, refused.WorkId, refused.Reason);
        RecordAndDispatch(planned.Queue.WrongDataset(refused.Node, refused.WorkId, Now));
    }

    /// <summary>An operator lifts a cordon, naming the node by its id or by host:port (every incarnation there).
    /// </summary>
    private void OnUncordonRequested(UncordonRequested request)
    {
        var operatorRef = Sender;
        var lifted = planned.Cordoned.Keys.Where(node => NodeId.Names(node, request.Node))
            .SelectMany(node => planned.Uncordon(node, Now)).ToList();
        foreach (var node in lifted)
            log.Info("{Node}: cordon lifted by an operator", node.Node);
        RecordAndDispatch(lifted, () =>
        {
            operatorRef.Tell(new Uncordoned([.. lifted.Select(u => u.Node)]));
        });
    }

    private void OnProgressRequested(ProgressRequested request)
    {
        if (!state.Knows(request.SearchId))
        {
            Sender.Tell(new SearchProgress(request.SearchId, Known: false, 0, 0, false, []));
            return;
        }
        var (done, total, finished) = state.Progress(request.SearchId);
        Sender.Tell(new SearchProgress(request.SearchId, Known: true, done, total, finished,
            state.Running(request.SearchId, progress))
        {
            Cancelled = state.Searches.GetValueOrDefault(request.SearchId)?.Cancelled == true,
        });
    }

    /// <summary>
    /// Expired leases, and those whose run stalled (renewed but not moving for the stall timeout), go back to the
    /// queue, and their nodes are forgotten until they ask again: a hung node that is still a member would otherwise
    /// be handed the same unit over and over. A live puller re-registers every
    /// pull interval. Registered trainers that are no longer members are recorded as gone here too.
    /// </summary>
    private void OnCheckLeases()
    {
        var expired = planned.Queue.Expire(Now, deadlines);
        foreach (var lease in expired)
        {
            log.Warning("{Node} did not renew its lease on {WorkId}; the unit goes back to the queue",
                lease.Node, lease.WorkId);
            pullers.Remove(lease.Node);
        }
        var stalled = planned.Queue.Stall(progress.Stalled(Now, timing.StallTimeout)
            .Where(id => expired.All(e => e.WorkId != id)), Now);
        foreach (var lease in stalled)
        {
            log.Warning("{Node} renews its lease on {WorkId} but its run has not moved for {Timeout}; the unit goes " +
                        "back to the queue", lease.Node, lease.WorkId, timing.StallTimeout);
            pullers.Remove(lease.Node);
        }
        RecordAndDispatch([.. expired, .. stalled, .. planned.Gone(Members(), Now)]);
    }

    /// <summary>
    /// The cluster stopped hearing a node (crashed, or cut off): its units run elsewhere now rather than after its
    /// downing (failure detection plus <c>stable-after</c> plus the removal margin) or their deadline. Safe because
    /// a unit is idempotent and a result counts only from the node holding the unit's lease
    /// (<see cref="CoordinatorState.Complete"/>): if the node is heard again, what it finishes of those units is
    /// acknowledged and ignored, never journaled twice. Not counted against the units, as a downing is not.
    /// </summary>
    private void OnUnreachable(string node)
    {
        unreachable.Add(node);
        RecordAndDispatch(Lose(node, LeaseEndReason.Unreachable, "is unreachable"));
    }

    private void OnNodeLeft(string node)
    {
        unreachable.Remove(node);
        var lost = Lose(node, LeaseEndReason.NodeLeft, "left the cluster");
        var members = Members();
        // The removal may not have reached this node's view of the membership yet.
        members.Remove(node);
        RecordAndDispatch([.. lost, .. planned.Gone(members, Now)]);
    }

    /// <summary>The node gets no more offers and its leases end (to be journaled); said once in the log.</summary>
    private IReadOnlyList<LeaseEnded> Lose(string node, LeaseEndReason reason, string what)
    {
        pullers.Remove(node);
        var lost = planned.Queue.EndLeasesOf(node, reason, Now);
        if (lost.Count > 0)
            log.Warning("{Node} {What}; {Count} unit(s) go back to the queue", node, what, lost.Count);
        return lost;
    }

    /// <summary>The cluster's members now, by node id, for recording the trainers that are gone.</summary>
    private HashSet<string> Members() => [.. membership.Members()];

    /// <summary>
    /// Journals <paramref name="events"/> (decided on <see cref="planned"/>) together with the leases they make
    /// possible (a completion frees a slot and often queues the next unit), in one write rather than two, and plans
    /// both at once, so the next decision builds on them while they are written. <paramref name="then"/> runs once
    /// all are journaled and applied (<see cref="Record"/>).
    /// </summary>
    private void RecordAndDispatch(IReadOnlyList<IClusterEvent> events, Action? then = null)
    {
        planned = events.Aggregate(planned, (s, e) => s.Apply(e));
        Record([.. events, .. Leases()], then ?? (() => { }));
    }

    /// <summary>
    /// Waiting units leased to every node that asked (<see cref="CoordinatorState.Requests"/>), planned at once;
    /// each node hears of its leases once they are journaled (<see cref="Offer"/>).
    /// </summary>
    private IReadOnlyList<WorkLeased> Leases()
    {
        var leases = planned.Requests(pullers.Select(p => (p.Key, p.Value.Slots, p.Value.Busy)), Now,
            timing.LeaseTimeout, timing.GiveBacks);
        planned = leases.Aggregate(planned, (s, e) => s.Apply(e));
        return leases;
    }

    /// <summary>
    /// Hands planned events to the journal in order (<c>PersistAllAsync</c>: commands go on being decided while they
    /// are written, and the journal gets the events of all of them in its next write). As each is journaled it is
    /// applied to <see cref="state"/> and announced (a lease offered to its node); <paramref name="then"/> runs from
    /// the last one's handler, so it sees every event applied and tells only what is durable. With no events,
    /// <paramref name="then"/> still waits for every write in flight: what it says may rest on them (a result
    /// acknowledged again must be journaled first). Neither ever persists again from a handler.
    /// </summary>
    private void Record(IReadOnlyList<IClusterEvent> events, Action then)
    {
        if (events.Count == 0)
        {
            DeferAsync(then, answer => answer());
            return;
        }
        var remaining = events.Count;
        var asked = Stopwatch.GetTimestamp();
        PersistAllAsync(events, e =>
        {
            Measure(e, Stopwatch.GetElapsedTime(asked));
            state = state.Apply(e);
            progress = progress.After(e);
            deadlines = deadlines.After(e);
            SnapshotWhenDue();
            if (e is WorkLeased lease)
                Offer(lease);
            if (--remaining == 0)
                then();
        });
    }

    /// <summary>
    /// This node's metrics, fed as the events are confirmed (never on recovery: a coordinator that takes over does
    /// not count its predecessor's runs again). An init draw is work but not a run; a diverged run is the
    /// ticket's failure.
    /// </summary>
    private static void Measure(IClusterEvent e, TimeSpan latency)
    {
        NodeMetrics.JournalWritten(latency);
        if (e is not WorkCompleted completed)
            return;
        if (completed.Output.Run is not null)
            NodeMetrics.RunCompleted();
        else if (completed.Output.Failure is not null)
            NodeMetrics.RunFailed();
    }

    /// <summary>
    /// Every <see cref="snapshotEvery"/> events the whole state is saved, so a successor replays at most that many
    /// events whatever the journal's length. Saved from a persist handler, so the snapshot is the state after a
    /// journaled event and names its sequence number.
    /// </summary>
    private void SnapshotWhenDue()
    {
        if (++eventsSinceSnapshot < snapshotEvery)
            return;
        eventsSinceSnapshot = 0;
        SaveSnapshot(CoordinatorSnapshot.From(state));
    }

    private void Offer(WorkLeased lease)
    {
        if (!pullers.TryGetValue(lease.Node, out var puller))
            return;
        var unit = state.Queue.Open[lease.WorkId];
        var search = state.Searches[unit.SearchId];
        if (!specJson.TryGetValue(unit.SearchId, out var spec))
            specJson[unit.SearchId] = spec = CanonicalSpec.ToJson(search.Spec!);
        puller.Node.Tell(new WorkOffered(lease.WorkId, unit.SearchId, spec, unit.Item,
            lease.Deadline) { DatasetFingerprint = search.DatasetFingerprint });
    }

    private sealed record Puller(IActorRef Node, int Slots, int Busy);

    /// <summary>
    /// Asks for a search's state as folded here (<see cref="SearchState.Empty"/> when unknown): what a search run
    /// in this process prints once it is complete. Asked of a search's own coordinator, which keeps its search whole;
    /// the cluster's forgets a finished one (<see cref="CoordinatorState.ForgetsFinished"/>). Never sent between
    /// nodes, so it has no manifest.
    /// </summary>
    public sealed record SearchRequested(string SearchId);

    /// <summary>
    /// Takes over a search the single-node engine journaled (<see cref="SearchAdoption"/>); answered as a
    /// <see cref="SubmitSearch"/> is. Sent only within the process that read that journal, so it has no manifest.
    /// </summary>
    public sealed record AdoptSearch(SearchState Search);

    /// <summary>On this node's event stream: the coordinator's journal failed (<paramref name="Fault"/>), and
    /// the coordinator stops. Local to the node, so it has no manifest.</summary>
    public sealed record JournalFailedNotice(SearchFault Fault);

    private sealed record CheckLeases
    {
        public static readonly CheckLeases Instance = new();
    }

    private sealed record PublishProgress
    {
        public static readonly PublishProgress Instance = new();
    }
}

/// <summary>How the protocol names a node: its address and incarnation, so a restarted node is a new node.</summary>
public static class NodeId
{
    public static string Of(UniqueAddress address) => $"{address.Address}#{address.Uid}";

    /// <summary>What a person reads: host:port of <c>akka.tcp://lottery@host:port#uid</c>.</summary>
    public static string HostPort(string nodeId) => nodeId[(nodeId.IndexOf('@') + 1)..].Split('#')[0];

    /// <summary>True when an operator's <paramref name="name"/> names the node: its id, or its host:port as
    /// <c>lottery nodes</c> prints it.</summary>
    public static bool Names(string nodeId, string name) => nodeId == name || HostPort(nodeId) == name;
}
