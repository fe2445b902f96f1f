using System.Collections.Immutable;
using LotteryActors.Actors.Ensembles;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Work;

/// <summary>
/// Everything the cluster coordinator knows, as a pure fold of its journal: the work queue, and each submitted
/// search as the same <see cref="SearchState"/> fold a single-node search uses (a completed unit is applied to it
/// as the <see cref="InitDrawn"/>, <see cref="RoundCompleted"/>, <see cref="TicketFinished"/>,
/// <see cref="TicketFailed"/> or <see cref="EnsembleEvaluated"/> and <see cref="SearchCompleted"/> it stands for), so
/// what runs next is decided by the same schedule and a reader folds the same search a single node would journal.
/// Decisions return the events to journal; the actor persists them and applies them here.
/// </summary>
public sealed partial record CoordinatorState(WorkQueue Queue, ImmutableSortedDictionary<string, SearchState> Searches)
{
    /// <summary>A state that keeps every search whole: what the journal's readers fold (<c>status</c>,
    /// <c>compare</c>, <c>report</c>, the dashboard) and a search's own coordinator, which holds one search.</summary>
    public static readonly CoordinatorState Empty =
        new(WorkQueue.Empty, ImmutableSortedDictionary<string, SearchState>.Empty);

    /// <summary>A state that forgets each search once it is finished (<see cref="ForgetsFinished"/>): the cluster's
    /// coordinator, which serves a lab's searches for weeks.</summary>
    public static readonly CoordinatorState Bounded = Empty with { ForgetsFinished = true };

    /// <summary>
    /// Whether a search leaves <see cref="Searches"/> for <see cref="Finished"/> the moment it is finished: complete
    /// (its ensembles journaled, or failed for good) with no failed ticket. Its runs, units and per-unit history are
    /// in the journal, which <c>status</c>, <c>compare</c> and <c>report</c> fold whole; the coordinator needs only
    /// to know that it is complete. A complete search with failed tickets stays whole, since an operator's retry
    /// (<see cref="RetryFailed"/>) reopens them from their last runs; a cancelled one too, since a submission
    /// resumes it. Not journaled: how a state folds, not what happened.
    /// </summary>
    public bool ForgetsFinished { get; init; }

    /// <summary>The searches finished and forgotten (<see cref="ForgetsFinished"/>), by id, with their final
    /// progress: what a submission, a progress question, a cancel or a retry of one is answered from.</summary>
    public ImmutableSortedDictionary<string, FinishedSearch> Finished { get; init; } =
        ImmutableSortedDictionary<string, FinishedSearch>.Empty;

    /// <summary>Whether the search was submitted or adopted here, running or finished.</summary>
    public bool Knows(string searchId) => Searches.ContainsKey(searchId) || Finished.ContainsKey(searchId);

    /// <summary>
    /// Every trainer node that registered and is present, and the last <see cref="GoneTrainersKept"/> that left, by
    /// node id. What the work needs is in the queue; this is for those who watch the cluster (<c>lottery nodes</c>,
    /// the dashboard), and for one decision: how many different nodes a unit can be given back by before it fails
    /// (<see cref="GiveBackRule"/>), which counts present nodes only.
    /// </summary>
    public ImmutableSortedDictionary<string, TrainerNode> Trainers { get; init; } =
        ImmutableSortedDictionary<string, TrainerNode>.Empty;

    /// <summary>
    /// How many departed trainer nodes the state remembers, the most recent ones. A restarted node is a new node id,
    /// so a lab that runs for weeks would otherwise keep every restart in the state and each snapshot for ever; the
    /// journal keeps them all.
    /// </summary>
    public const int GoneTrainersKept = 64;

    /// <summary>The nodes cordoned now (<see cref="NodeCordoned"/>): they take no new units until an operator lifts
    /// the cordon. A node that leaves is no longer cordoned (a restarted node is a new node).</summary>
    public ImmutableSortedDictionary<string, NodeCordoned> Cordoned { get; init; } =
        ImmutableSortedDictionary<string, NodeCordoned>.Empty;

    /// <summary>When each node last gave units back, oldest first, at most
    /// <see cref="GiveBackRule.RememberedPerNode"/>: what cordoning counts. Forgotten when its cordon is lifted or
    /// the node leaves.</summary>
    public ImmutableDictionary<string, ImmutableList<DateTimeOffset>> RecentGiveBacks { get; init; } =
        ImmutableDictionary<string, ImmutableList<DateTimeOffset>>.Empty;

    public CoordinatorState Apply(IClusterEvent e) => e switch
    {
        TrainerRegistered r => this with
        {
            Trainers = Trainers.SetItem(r.Node, new TrainerNode(r.Slots, r.OccurredAt, LeftAt: null)),
        },
        TrainerLeft l when Trainers.TryGetValue(l.Node, out var trainer) => this with
        {
            Trainers = ForgetOldestGone(Trainers.SetItem(l.Node, trainer with { LeftAt = l.OccurredAt })),
            Cordoned = Cordoned.Remove(l.Node),
            RecentGiveBacks = RecentGiveBacks.Remove(l.Node),
            Draining = Draining.Remove(l.Node),
        },
        LeaseEnded { Reason: LeaseEndReason.Abandoned } end
            when Queue.Leases.TryGetValue(end.WorkId, out var held) && held.Node == end.Node => this with
        {
            Queue = Queue.Apply(end),
            RecentGiveBacks = RecentGiveBacks.SetItem(end.Node, Remembered(end.Node, end.OccurredAt)),
        },
        NodeCordoned c => this with { Cordoned = Cordoned.SetItem(c.Node, c) },
        NodeUncordoned u => this with
        {
            Cordoned = Cordoned.Remove(u.Node),
            RecentGiveBacks = RecentGiveBacks.Remove(u.Node),
        },
        NodeDrained or NodeUndrained or SearchCancelled or SearchResumed => ApplyOperator(e),
        SearchSubmitted s => this with
        {
            Searches = Searches.SetItem(s.SearchId,
                SearchState.Empty.Apply(new SearchStarted(s.SearchId, s.SpecJson, s.OccurredAt)) with
                {
                    Priority = s.Priority,
                }),
        },
        SearchAdopted a => this with { Searches = Searches.SetItem(a.Search.SearchId, a.Search.ToState()) },
        WorkCompleted c when Queue.Open.TryGetValue(c.WorkId, out var unit) => (this with
        {
            Queue = Queue.Apply(c),
            Searches = Searches.SetItem(unit.SearchId, Record(Searches[unit.SearchId], unit.Item, c)),
        }).ForgetIfFinished(unit.SearchId),
        WorkFailed f when Queue.Open.TryGetValue(f.WorkId, out var unit) => (this with
        {
            Queue = Queue.Apply(f),
            Searches = Searches.SetItem(unit.SearchId, Fail(Searches[unit.SearchId], unit.Item, f)),
        }).ForgetIfFinished(unit.SearchId),
        // A forgotten search is queued nothing again (decisions never do so; this is for safety on replay).
        WorkQueued q when Finished.ContainsKey(q.SearchId) => this,
        TicketsRetried r when Searches.TryGetValue(r.SearchId, out var search) => this with
        {
            Queue = Queue.Apply(r),
            Searches = Searches.SetItem(r.SearchId,
                r.Tickets.Aggregate(search, (s, t) => s.Apply(new TicketRetried(t, r.OccurredAt)))),
        },
        _ => this with { Queue = Queue.Apply(e) },
    };

    private static ImmutableSortedDictionary<string, TrainerNode> ForgetOldestGone(
        ImmutableSortedDictionary<string, TrainerNode> trainers)
    {
        var gone = trainers.Where(t => !t.Value.Present).ToList();
        return gone.Count <= GoneTrainersKept
            ? trainers
            : trainers.RemoveRange(gone.OrderBy(t => t.Value.LeftAt).ThenBy(t => t.Key, StringComparer.Ordinal)
                .Take(gone.Count - GoneTrainersKept).Select(t => t.Key));
    }

    /// <summary>
    /// Takes a search at <paramref name="priority"/> (<see cref="SearchPriority"/>): its first units (the draw of
    /// each width's inits) are queued. A spec submitted again changes nothing, its priority included, so a client
    /// that re-sends after a lost reply never registers a search twice, unless an operator cancelled it: then it goes
    /// on (<see cref="SearchResumed"/>) at the priority it was first given.
    /// </summary>
    public IReadOnlyList<IClusterEvent> Submit(SearchSpec spec, DateTimeOffset now,
        int priority = SearchPriority.Default)
    {
        var id = spec.SearchId;
        if (Finished.ContainsKey(id))
            return [];
        if (Searches.ContainsKey(id))
            return Resume(id, now);
        var events = new List<IClusterEvent>
        {
            new SearchSubmitted(id, CanonicalSpec.ToJson(spec), now) { Priority = SearchPriority.Clamped(priority) },
        };
        events.AddRange(spec.InitIds().Select(i => Enqueue(id, WorkItem.Init(i), now)));
        return events;
    }

    /// <summary>
    /// A node's request: it has <paramref name="slots"/> slots and says <paramref name="busy"/> are in use. The
    /// coordinator counts the node's leases too and trusts the larger number, so a repeated request (the node's
    /// periodic re-registration) never leases more units than the node has slots. A cordoned or draining node gets
    /// none, and no unit of a cancelled search is leased. Searches share the slots by their priorities.
    /// </summary>
    /// <param name="rule">Keeps the node away from units it gave back lately; none without one.</param>
    public IReadOnlyList<WorkLeased> Request(string node, int slots, int busy, DateTimeOffset now, TimeSpan timeout,
        GiveBackRule? rule = null) =>
        Cordoned.ContainsKey(node) || Draining.Contains(node)
            ? []
            : Queue.Lease(node, Free(slots, busy, Queue.LeasesOf(node)), now, timeout, rule, CancelledSearches(),
                PriorityOf);

    /// <summary>The search's priority; the default for one this state does not hold.</summary>
    public int PriorityOf(string searchId) =>
        Searches.GetValueOrDefault(searchId)?.Priority ?? SearchPriority.Default;

    /// <summary>
    /// The requests of every node that asked, each decided as <see cref="Request"/> decides it, in turn, on the state
    /// the leases granted before it leave, so two nodes never get the same unit: the leases to journal. A node whose
    /// slots are all leased is passed over without a look at the queue, so asking all of them again after every
    /// event (what the coordinator does) costs one pass over the leases rather than one per node.
    /// </summary>
    public IReadOnlyList<WorkLeased> Requests(IEnumerable<(string Node, int Slots, int Busy)> nodes,
        DateTimeOffset now, TimeSpan timeout, GiveBackRule? rule = null)
    {
        // Counted once: each node is asked once and is leased units only for itself.
        var leased = Queue.Leases.Values.CountBy(l => l.Node).ToDictionary();
        var leases = new List<WorkLeased>();
        var state = this;
        foreach (var (node, slots, busy) in nodes)
        {
            if (Free(slots, busy, leased.GetValueOrDefault(node)) <= 0)
                continue;
            var granted = state.Request(node, slots, busy, now, timeout, rule);
            leases.AddRange(granted);
            state = granted.Aggregate(state, (s, e) => s.Apply(e));
        }
        return leases;
    }

    /// <summary>The node's slots it may be leased units for: it counts its busy slots, the coordinator its leases,
    /// and the larger number is trusted.</summary>
    private static int Free(int slots, int busy, int leased) => slots - Math.Max(busy, leased);

    /// <summary>
    /// A trainer node asked for work: journaled when it is new, back after it was recorded as gone, or has another
    /// number of slots; its periodic requests journal nothing more.
    /// </summary>
    public IReadOnlyList<TrainerRegistered> Register(string node, int slots, DateTimeOffset now) =>
        Trainers.TryGetValue(node, out var known) && known.Present && known.Slots == slots
            ? []
            : [new TrainerRegistered(node, slots, now)];

    /// <summary>
    /// The registered trainers that are present in the journal but not among <paramref name="members"/> (the
    /// cluster's members now, by node id): gone. Asked with the membership rather than told of each removal, so a
    /// node removed while no coordinator was there to hear it (during a hand-over) is still recorded as gone.
    /// </summary>
    public IReadOnlyList<TrainerLeft> Gone(IReadOnlySet<string> members, DateTimeOffset now) =>
        Trainers.Where(t => t.Value.Present && !members.Contains(t.Key))
            .Select(t => new TrainerLeft(t.Key, now)).ToList();

    /// <summary>
    /// A node delivered a unit's output. It counts only from the node holding the unit's lease: the first such
    /// delivery is journaled with the units it makes possible (an init opens its tickets' first runs; a run opens
    /// its ticket's next run, or, once every ticket is done, the search's ensemble unit); a later one (a retry whose
    /// acknowledgement was lost), or one from a node that no longer holds the lease (expired, reassigned, the unit
    /// waiting again), returns nothing (<see cref="FromAnotherNode"/> tells the two apart for the log). An output
    /// computed from another dataset than the search recorded (two nodes with
    /// different copies took its first units at once) is not journaled: the node's lease ends as
    /// <see cref="LeaseEndReason.WrongDataset"/> and the unit runs elsewhere.
    /// </summary>
    /// <param name="datasetFingerprint">The node's dataset; the search's first one is recorded with the result.
    /// </param>
    /// <param name="setup">How the node trained the run; null for a unit that is not a training run.</param>
    public IReadOnlyList<IClusterEvent> Complete(string node, string workId, WorkOutput output, DateTimeOffset now,
        string? datasetFingerprint = null, TrainingSetup? setup = null)
    {
        if (!Queue.Open.TryGetValue(workId, out var unit) || FromAnotherNode(node, workId))
            return [];
        if (Searches[unit.SearchId].DatasetFingerprint is { } recorded && datasetFingerprint is not null
            && datasetFingerprint != recorded)
            return Queue.WrongDataset(node, workId, now);
        var completed = new WorkCompleted(workId, node, output, now)
        {
            DatasetFingerprint = datasetFingerprint,
            Setup = setup,
        };
        var after = Apply(completed);
        // Its search's last unit: the search is finished, and forgotten where this state forgets finished searches;
        // nothing follows it.
        if (!after.Searches.TryGetValue(unit.SearchId, out var search))
            return [completed];
        IEnumerable<TicketId> opened = unit.Item.Kind switch
        {
            WorkKind.Init => search.Spec!.Tickets().Where(t => search.Spec.InitOf(t) == unit.Item.InitToDraw),
            WorkKind.Train => [unit.Item.Run!.Ticket.ToDomain()],
            _ => [],
        };
        return
        [
            completed,
            .. opened.Where(t => !search.Ticket(t).Done && search.NextUnit(t) is not null)
                .Select(t => Enqueue(unit.SearchId, WorkItem.Train(search.NextUnit(t)!), now)),
            .. after.EnsembleDue(search, now),
        ];
    }

    /// <summary>True when <paramref name="node"/> delivers a result for an open unit whose lease it does not hold.
    /// </summary>
    public bool FromAnotherNode(string node, string workId) =>
        Queue.IsOpen(workId) && !Queue.HeldBy(node, workId);

    /// <summary>
    /// The node gives a unit back (<see cref="WorkQueue.GiveBack"/>, judged by <paramref name="rule"/> against the
    /// trainer nodes present). When that fails the unit for good and so ends the search's last open ticket, the
    /// search's ensemble unit is queued with it, as after a last result. A node that gives units back too often
    /// within the rule's window is cordoned with it, unless it is the last trainer node taking work: a cordon there
    /// would stop the lab, and its units end by the give-back rule instead.
    /// </summary>
    public IReadOnlyList<IClusterEvent> GiveBack(string node, string workId, string reason, GiveBackRule rule,
        DateTimeOffset now)
    {
        var events = Queue.GiveBack(node, workId, reason, rule, Trainers.Values.Count(t => t.Present), now);
        if (events.Count == 0)
            return events;
        var searchId = Queue.Open[workId].SearchId;
        var after = events.Aggregate(this, (state, e) => state.Apply(e));
        var othersTakeWork = Trainers.Any(t => t.Value.Present && t.Key != node && !Cordoned.ContainsKey(t.Key));
        IReadOnlyList<IClusterEvent> cordon = !Cordoned.ContainsKey(node) && othersTakeWork
                                              && rule.Cordons(after.RecentGiveBacks[node], now)
            ? [new NodeCordoned(node, $"{rule.CordonAfter} or more give-backs within {rule.CordonWindow}; last: " +
                                      reason, now)]
            : [];
        return events.OfType<WorkFailed>().Any()
            ? [.. events, .. cordon, .. after.EnsembleDue(after.Searches[searchId], now)]
            : [.. events, .. cordon];
    }

    /// <summary>An operator lifts the cordon of <paramref name="node"/> (a node id); nothing if it has none.
    /// </summary>
    public IReadOnlyList<NodeUncordoned> Uncordon(string node, DateTimeOffset now) =>
        Cordoned.ContainsKey(node) ? [new NodeUncordoned(node, now)] : [];

    /// <summary>
    /// An operator's retry of a search's failed tickets (<c>resume &lt;id&gt; --retry-failed</c>): each opens again
    /// from its last journaled run, and what it waits on is queued again: its next run, or its init's draw where
    /// that is what failed. Ensembles evaluated without those tickets are evaluated again once they are done.
    /// Nothing when the search is unknown or has no failed ticket (so a repeated request journals nothing), or while
    /// its ensembles are being evaluated: they would complete the search with its tickets open again, so the retry
    /// waits for them to be journaled.
    /// </summary>
    public IReadOnlyList<IClusterEvent> RetryFailed(string searchId, DateTimeOffset now)
    {
        var ensembles = WorkItem.EnsemblesId(searchId);
        if (!Searches.TryGetValue(searchId, out var search) || Queue.IsOpen(ensembles))
            return [];
        var failed = search.FailedTickets().ToList();
        if (failed.Count == 0)
            return [];
        var open = failed.Aggregate(search, (s, t) => s.Apply(new TicketRetried(JournalRecords.From(t), now)));
        var waitedOn = failed.Select(t => open.Spec!.InitOf(t) is var init && !open.Inits.ContainsKey(init)
                ? WorkItem.Init(init)
                : WorkItem.Train(open.NextUnit(t)!))
            .Distinct().ToList();
        var reopened = waitedOn.Select(i => i.IdIn(searchId)).Where(Queue.Done.Contains)
            .Concat(Queue.Done.Contains(ensembles) ? [ensembles] : []).ToList();
        return
        [
            new TicketsRetried(searchId, [.. failed.Select(JournalRecords.From)], reopened, now),
            .. waitedOn.Select(i => Enqueue(searchId, i, now)),
        ];
    }

    /// <summary>
    /// The ensemble unit of every search whose tickets are all done and whose ensembles are neither queued nor
    /// journaled: after the last ticket's result, and on recovery (a journal written before ensembles were units).
    /// Planned here, from journaled numbers; evaluated on a trainer node, which holds the data.
    /// </summary>
    public IReadOnlyList<WorkQueued> EnsemblesDue(DateTimeOffset now) =>
        Searches.Values.SelectMany(s => EnsembleDue(s, now)).ToList();

    /// <summary>The ensemble unit of <paramref name="search"/> where <see cref="EnsemblesDue"/> would queue it: after
    /// a unit of that search only that search is looked at, not every search the coordinator holds.</summary>
    private IReadOnlyList<WorkQueued> EnsembleDue(SearchState search, DateTimeOffset now)
    {
        if (!search.AllTicketsDone || search.Completed)
            return [];
        var due = Enqueue(search.SearchId!,
            WorkItem.Ensemble(EnsembleEvaluation.Plan(search.Spec!, search.FinishedTicketRuns())), now);
        return Queue.IsOpen(due.WorkId) || Queue.Done.Contains(due.WorkId) ? [] : [due];
    }

    /// <summary>Runs journaled over runs asked for, and whether the search is complete (its ensembles journaled).
    /// </summary>
    public (int Done, int Total, bool Finished) Progress(string searchId)
    {
        if (Finished.TryGetValue(searchId, out var finished))
            return (finished.RunsDone, finished.RunsTotal, true);
        var search = Searches[searchId];
        var (done, total) = search.Progress();
        return (done, total, search.Completed);
    }

    /// <summary>The search's units leased now, oldest first, each with the node that holds its lease and how far
    /// it is by <paramref name="progress"/> (what the nodes reported, which is not part of this state).</summary>
    public IReadOnlyList<RunningWork> Running(string searchId, LeaseProgress progress) =>
        Queue.Leases.Select(l => (Unit: Queue.Open[l.Key], Lease: l.Value))
            .Where(l => l.Unit.SearchId == searchId)
            .OrderBy(l => l.Unit.Order)
            .Select(l => new RunningWork(l.Lease.Node, l.Unit.Item, progress.Of(l.Unit.WorkId))).ToList();

    /// <summary>Every finished search forgotten at once (<see cref="ForgetsFinished"/>): for a state recovered from
    /// a snapshot taken before searches were forgotten.</summary>
    public CoordinatorState ForgetFinished() => Searches.Keys.Aggregate(this, (s, id) => s.ForgetIfFinished(id));

    private CoordinatorState ForgetIfFinished(string searchId) =>
        ForgetsFinished && Searches[searchId] is { Completed: true } search && !search.FailedTickets().Any()
            ? this with
            {
                Searches = Searches.Remove(searchId),
                Finished = Finished.SetItem(searchId, FinishedSearch.Of(search)),
                Queue = Queue.Forget(searchId),
            }
            : this;

    private ImmutableList<DateTimeOffset> Remembered(string node, DateTimeOffset at)
    {
        var times = RecentGiveBacks.GetValueOrDefault(node, []).Add(at);
        return times.Count > GiveBackRule.RememberedPerNode ? times.RemoveAt(0) : times;
    }

    private static WorkQueued Enqueue(string searchId, WorkItem item, DateTimeOffset now) =>
        new(item.IdIn(searchId), searchId, item, now);

    /// <summary>The search facts a completed unit stands for, folded by the single-node search's own fold; the
    /// search's first fingerprint is its <see cref="DatasetRecorded"/>, and a run trained another way than the one
    /// before it is preceded by a <see cref="SetupRecorded"/>, as a single node's resume on another setup is.
    /// </summary>
    private static SearchState Record(SearchState search, WorkItem item, WorkCompleted c)
    {
        if (search.DatasetFingerprint is null && c.DatasetFingerprint is { } fingerprint)
            search = search.Apply(new DatasetRecorded(fingerprint, c.OccurredAt));
        if (c.Setup is { } setup && setup != search.Setup)
            search = search.Apply(new SetupRecorded(setup, c.OccurredAt));
        var output = c.Output;
        if (output.Init is { } init)
            return search.Apply(new InitDrawn(item.WidthIndex, init.InitHash, init.DenseMaskHash, c.OccurredAt,
                item.InitIndex));
        if (output.Ensemble is { } report)
            return search.Apply(new EnsembleEvaluated(report, c.OccurredAt)).Apply(new SearchCompleted(c.OccurredAt));
        var ticket = item.Run!.Ticket;
        if (output.Failure is { } reason)
            return search.Apply(new TicketFailed(ticket, reason, 1, c.OccurredAt));
        var next = search.Apply(new RoundCompleted(output.Run!, c.OccurredAt));
        return next.NextUnit(ticket.ToDomain()) is null ? next.Apply(new TicketFinished(ticket, c.OccurredAt)) : next;
    }

    /// <summary>A unit that failed for good fails what waits on it: its ticket, or every open ticket of the init
    /// that could not be drawn. A search whose ensemble unit failed for good ends without ensembles (its
    /// runs are all journaled; the failure and its reason are in the journal), so no client follows it for ever.
    /// </summary>
    private static SearchState Fail(SearchState search, WorkItem item, WorkFailed f)
    {
        if (item.Kind == WorkKind.Ensemble)
            return search.Apply(new SearchCompleted(f.OccurredAt));
        var tickets = item.Run is { } run
            ? [run.Ticket]
            : search.OpenTickets().Where(t => search.Spec!.InitOf(t) == item.InitToDraw).Select(JournalRecords.From)
                .ToList();
        var reason = $"{item} was given back {f.GiveBacks} time(s) for faults outside its science; last: {f.Reason}";
        return tickets.Aggregate(search, (s, t) => s.Apply(new TicketFailed(t, reason, f.GiveBacks, f.OccurredAt)));
    }
}
