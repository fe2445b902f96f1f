using System.Collections.Immutable;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using static LotteryActors.Cluster.Protocol.ClusterEvents;

namespace LotteryActors.Cluster.Work;

/// <summary>A unit handed to a node until <see cref="Deadline"/>.</summary>
public sealed record Lease(string Node, DateTimeOffset Deadline);

/// <summary>
/// The cluster's work as a pure fold of journaled events: units waiting, leased (to which node, until when) and
/// done. Decisions are functions of it that return the events to journal; nothing here needs an actor system.
/// A unit that loses its lease keeps its place in the queue, so it runs before anything queued after it.
/// </summary>
public sealed record WorkQueue(
    ImmutableDictionary<string, OpenUnit> Open,
    ImmutableSortedDictionary<long, string> Pending,
    ImmutableDictionary<string, Lease> Leases,
    ImmutableHashSet<string> Done,
    long NextOrder)
{
    public static readonly WorkQueue Empty = new(ImmutableDictionary<string, OpenUnit>.Empty,
        ImmutableSortedDictionary<long, string>.Empty, ImmutableDictionary<string, Lease>.Empty,
        ImmutableHashSet<string>.Empty, 0);

    /// <summary>
    /// How many times each open unit was given back (<see cref="LeaseEndReason.Abandoned"/>): a fault outside the
    /// run's science. Expiries and lost nodes do not count (they say nothing about the unit), nor does a node with
    /// another copy of the dataset. At the coordinator's limit the unit fails (<see cref="GiveBack"/>).
    /// </summary>
    public ImmutableDictionary<string, int> GiveBacks { get; init; } = ImmutableDictionary<string, int>.Empty;

    /// <summary>
    /// The same give-backs by node: which nodes gave each open unit back, how often and when last. A unit fails only
    /// when enough different nodes gave it back (<see cref="GiveBackRule"/>), and a node is kept away from a unit it
    /// gave back for a while, so one broken node cannot fail a ticket by taking its unit back at once, again and
    /// again.
    /// </summary>
    public ImmutableDictionary<string, ImmutableDictionary<string, NodeGiveBacks>> GivenBackBy { get; init; } =
        ImmutableDictionary<string, ImmutableDictionary<string, NodeGiveBacks>>.Empty;

    /// <summary>
    /// Nodes whose copy of a search's dataset differs from the one it recorded, with that search: none of its units
    /// is leased to them again (a node is named with its incarnation, so a restarted node, its data fixed, may).
    /// </summary>
    public ImmutableHashSet<(string Node, string SearchId)> WrongData { get; init; } =
        ImmutableHashSet<(string Node, string SearchId)>.Empty;

    /// <summary>True while the unit is queued or leased: its result has not been journaled yet.</summary>
    public bool IsOpen(string workId) => Open.ContainsKey(workId);

    public int LeasesOf(string node) => Leases.Values.Count(l => l.Node == node);

    /// <summary>Whether <paramref name="node"/> holds the lease of <paramref name="workId"/> now.</summary>
    public bool HeldBy(string node, string workId) => Leases.TryGetValue(workId, out var lease) && lease.Node == node;

    public WorkQueue Apply(IClusterEvent e) => e switch
    {
        WorkQueued q when Open.ContainsKey(q.WorkId) || Done.Contains(q.WorkId) => this,
        WorkQueued q => this with
        {
            Open = Open.SetItem(q.WorkId, new OpenUnit(q.WorkId, q.SearchId, q.Item, NextOrder)),
            Pending = Pending.SetItem(NextOrder, q.WorkId),
            NextOrder = NextOrder + 1,
        },
        WorkLeased l when Open.TryGetValue(l.WorkId, out var unit) => this with
        {
            Pending = Pending.Remove(unit.Order),
            Leases = Leases.SetItem(l.WorkId, new Lease(l.Node, l.Deadline)),
        },
        LeasesRenewed r => this with
        {
            Leases = Leases.SetItems(r.WorkIds
                .Where(id => Leases.TryGetValue(id, out var held) && held.Node == r.Node)
                .Select(id => KeyValuePair.Create(id, new Lease(r.Node, r.Deadline)))),
        },
        LeaseEnded end when Leases.TryGetValue(end.WorkId, out var held) && held.Node == end.Node => this with
        {
            Leases = Leases.Remove(end.WorkId),
            Pending = Pending.SetItem(Open[end.WorkId].Order, end.WorkId),
            GiveBacks = end.Reason == LeaseEndReason.Abandoned
                ? GiveBacks.SetItem(end.WorkId, GiveBacks.GetValueOrDefault(end.WorkId) + 1)
                : GiveBacks,
            GivenBackBy = end.Reason == LeaseEndReason.Abandoned ? GivenBack(end) : GivenBackBy,
            WrongData = end.Reason == LeaseEndReason.WrongDataset
                ? WrongData.Add((end.Node, Open[end.WorkId].SearchId))
                : WrongData,
        },
        // Its units wait again in their places; the nodes that ran them are told to stop (no lease, no result).
        SearchCancelled c => Leases.Keys.Where(id => Open[id].SearchId == c.SearchId).Aggregate(this,
            (q, id) => q with { Leases = q.Leases.Remove(id), Pending = q.Pending.SetItem(Open[id].Order, id) }),
        WorkCompleted c when Open.ContainsKey(c.WorkId) => Close(c.WorkId),
        WorkFailed f when Open.ContainsKey(f.WorkId) => Close(f.WorkId),
        // Units done before that an operator's retry runs again: queued again by the events that follow.
        TicketsRetried r => this with { Done = Done.Except(r.Reopened) },
        // A lease or result for a unit already done or leased elsewhere changes nothing (decisions do not produce
        // them, so this is for safety on replay); a submission is the searches' business, not the queue's.
        _ => this,
    };

    /// <summary>
    /// A finished search leaves the queue's memory: its units done and the nodes kept away from it for another copy
    /// of its dataset. Nothing of it is open or leased any more, and its coordinator refuses to queue it again
    /// (<see cref="CoordinatorState.Finished"/>), so none of it is needed to decide.
    /// </summary>
    public WorkQueue Forget(string searchId) => this with
    {
        Done = Done.Except(Done.Where(id => WorkItem.IsIn(id, searchId))),
        WrongData = WrongData.Except(WrongData.Where(w => w.SearchId == searchId)),
    };

    /// <summary>The unit is done, with a result or failed for good: it leaves the queue and is never queued again.
    /// </summary>
    private WorkQueue Close(string workId) => this with
    {
        Open = Open.Remove(workId),
        Pending = Pending.Remove(Open[workId].Order),
        Leases = Leases.Remove(workId),
        Done = Done.Add(workId),
        GiveBacks = GiveBacks.Remove(workId),
        GivenBackBy = GivenBackBy.Remove(workId),
    };

    private ImmutableDictionary<string, ImmutableDictionary<string, NodeGiveBacks>> GivenBack(LeaseEnded end)
    {
        var byNode = GivenBackBy.GetValueOrDefault(end.WorkId, ImmutableDictionary<string, NodeGiveBacks>.Empty);
        var count = byNode.GetValueOrDefault(end.Node)?.Count ?? 0;
        return GivenBackBy.SetItem(end.WorkId, byNode.SetItem(end.Node, new NodeGiveBacks(count + 1, end.OccurredAt)));
    }

    /// <summary>
    /// The node gives a unit it holds back (a fault outside the run's science): its lease ends and the unit is
    /// queued again, unless <paramref name="rule"/> says this give-back fails it (enough give-backs, by enough
    /// different nodes of the <paramref name="presentNodes"/> trainer nodes), when the unit fails with
    /// <paramref name="reason"/> instead. Nothing if the node no longer holds the lease (expired, reassigned).
    /// </summary>
    public IReadOnlyList<IClusterEvent> GiveBack(string node, string workId, string reason, GiveBackRule rule,
        int presentNodes, DateTimeOffset now)
    {
        if (!Leases.TryGetValue(workId, out var held) || held.Node != node)
            return [];
        var ended = new LeaseEnded(workId, node, LeaseEndReason.Abandoned, now);
        var after = Apply(ended);
        var count = after.GiveBacks[workId];
        return rule.FailsAfter(after.GivenBackBy[workId].Count, count, presentNodes)
            ? [ended, new WorkFailed(workId, reason, count, now)]
            : [ended];
    }

    /// <summary>True while <paramref name="node"/> is kept away from a unit it gave back (<see cref="GiveBackRule"/>).
    /// </summary>
    public bool KeptAway(string node, string workId, GiveBackRule rule, DateTimeOffset now) =>
        GivenBackBy.TryGetValue(workId, out var byNode) && byNode.TryGetValue(node, out var mine)
        && now < rule.ExcludedUntil(mine);

    /// <summary>
    /// The node's copy of the unit's dataset is not the search's: the lease ends without counting against the
    /// unit, and the node gets none of that search's units again. Nothing if it no longer holds the lease.
    /// </summary>
    public IReadOnlyList<LeaseEnded> WrongDataset(string node, string workId, DateTimeOffset now) =>
        HeldBy(node, workId)
            ? [new LeaseEnded(workId, node, LeaseEndReason.WrongDataset, now)]
            : [];

    /// <summary>
    /// Leases up to <paramref name="free"/> waiting units to <paramref name="node"/>. A weighted fair share across
    /// searches: each lease goes to the search with the fewest units leased right now per point of its priority
    /// (<paramref name="priorityOf"/>; every search has the default, 1, without it), so priorities 3 and 1 share four
    /// slots three and one; within a search it goes to its oldest waiting unit; ties go to the search whose oldest
    /// unit waited longest. Searches whose dataset
    /// the node does not have (<see cref="WrongData"/>) are skipped, and so are units the node gave back while
    /// <paramref name="rule"/> keeps it away from them (none without a rule), and the units of
    /// <paramref name="held"/> searches (cancelled by an operator).
    /// </summary>
    public IReadOnlyList<WorkLeased> Lease(string node, int free, DateTimeOffset now, TimeSpan timeout,
        GiveBackRule? rule = null, IReadOnlySet<string>? held = null, Func<string, int>? priorityOf = null)
    {
        var leases = new List<WorkLeased>();
        var queue = this;
        for (var i = 0; i < free && queue.Pending.Count > 0; i++)
        {
            var leased = queue.Leases.Keys.GroupBy(id => queue.Open[id].SearchId)
                .ToDictionary(g => g.Key, g => g.Count());
            var next = queue.Pending.Values.Select(id => queue.Open[id])
                .Where(u => !WrongData.Contains((node, u.SearchId)) && held?.Contains(u.SearchId) != true
                            && (rule is null || !KeptAway(node, u.WorkId, rule, now)))
                .GroupBy(u => u.SearchId)
                .Select(g => g.First())
                // Exact enough as a double: equal shares divide to the same double (division rounds correctly), and
                // unequal ones of counts and priorities this small differ by far more than a rounding.
                .OrderBy(u => leased.GetValueOrDefault(u.SearchId)
                              / (double)(priorityOf?.Invoke(u.SearchId) ?? SearchPriority.Default))
                .ThenBy(u => u.Order)
                .FirstOrDefault();
            if (next is null)
                break;
            var lease = new WorkLeased(next.WorkId, node, now + timeout, now);
            leases.Add(lease);
            queue = queue.Apply(lease);
        }
        return leases;
    }

    /// <summary>The leases whose deadline has passed: each ends, and its unit is queued again. The deadlines are
    /// the journaled ones, or later ones that renewals set in <paramref name="clock"/>.</summary>
    public IReadOnlyList<LeaseEnded> Expire(DateTimeOffset now, LeaseClock? clock = null) =>
        Leases.Where(p => (clock?.DeadlineOf(p.Key, p.Value) ?? p.Value.Deadline) < now)
            .OrderBy(p => Open[p.Key].Order)
            .Select(p => new LeaseEnded(p.Key, p.Value.Node, LeaseEndReason.Expired, now)).ToList();

    /// <summary>The leases of the stalled units among <paramref name="workIds"/> (<see cref="LeaseProgress.Stalled"/>)
    /// end; their units are queued again, without counting against them.</summary>
    public IReadOnlyList<LeaseEnded> Stall(IEnumerable<string> workIds, DateTimeOffset now) =>
        workIds.Where(Leases.ContainsKey).OrderBy(id => Open[id].Order)
            .Select(id => new LeaseEnded(id, Leases[id].Node, LeaseEndReason.Stalled, now)).ToList();

    /// <summary>Every lease of a node that is lost ends (<see cref="LeaseEndReason.NodeLeft"/>: it left or was
    /// downed; <see cref="LeaseEndReason.Unreachable"/>: the cluster stopped hearing it); its units are queued
    /// again.</summary>
    public IReadOnlyList<LeaseEnded> EndLeasesOf(string node, LeaseEndReason reason, DateTimeOffset now) =>
        Leases.Where(p => p.Value.Node == node).OrderBy(p => Open[p.Key].Order)
            .Select(p => new LeaseEnded(p.Key, node, reason, now)).ToList();

    /// <summary>
    /// At a coordinator's take-over: the leases of nodes that are not <paramref name="members"/> of the cluster any
    /// more (they died with the old coordinator, or were removed while no coordinator was there to hear it) end now
    /// and their units wait again, instead of waiting for a deadline that a successor would otherwise extend.
    /// </summary>
    public IReadOnlyList<LeaseEnded> Orphaned(IReadOnlySet<string> members, DateTimeOffset now) =>
        Leases.Where(p => !members.Contains(p.Value.Node)).OrderBy(p => Open[p.Key].Order)
            .Select(p => new LeaseEnded(p.Key, p.Value.Node, LeaseEndReason.NodeLeft, now)).ToList();

    /// <summary>Of the units <paramref name="node"/> says it runs, those whose lease it does not hold (lost while it
    /// was unheard, expired, stalled, or cancelled): whatever it computes of them is ignored.</summary>
    public IReadOnlyList<string> NotHeldBy(string node, IEnumerable<string> workIds) =>
        workIds.Where(id => !HeldBy(node, id)).ToList();

    /// <summary>
    /// Extends the leases the node still holds among <paramref name="workIds"/>; ids it no longer holds (done, or
    /// reassigned after expiry) are left alone, so a late heartbeat cannot take a unit back. The coordinator keeps
    /// the result in its <see cref="LeaseClock"/> rather than journaling it.
    /// </summary>
    public IReadOnlyList<LeasesRenewed> Renew(string node, IEnumerable<string> workIds, DateTimeOffset now,
        TimeSpan timeout)
    {
        var held = workIds.Where(id => HeldBy(node, id)).ToList();
        return held.Count == 0 ? [] : [new LeasesRenewed(node, held, now + timeout, now)];
    }

    /// <summary>
    /// After a coordinator hand-over every lease gets a full timeout again: the deadlines in the journal ran on
    /// while no coordinator was there to receive the nodes' renewals (kept in a <see cref="LeaseClock"/>).
    /// </summary>
    public IReadOnlyList<LeasesRenewed> RenewAll(DateTimeOffset now, TimeSpan timeout) =>
        Leases.GroupBy(p => p.Value.Node)
            .Select(g => new LeasesRenewed(g.Key, g.Select(p => p.Key).Order().ToList(), now + timeout, now))
            .ToList();
}
