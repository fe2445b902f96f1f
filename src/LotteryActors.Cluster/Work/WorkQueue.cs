using System.Collections.Immutable;
using LotteryActors.Cluster.Protocol;
using static LotteryActors.Cluster.Protocol.ClusterEvents;

namespace LotteryActors.Cluster.Work;

/// <summary>A unit the queue knows and has not seen done; <see cref="Order"/> is its place in the queue.</summary>
public sealed record OpenUnit(string WorkId, string SearchId, WorkItem Item, long Order);

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

    /// <summary>True while the unit is queued or leased: its result has not been journaled yet.</summary>
    public bool IsOpen(string workId) => Open.ContainsKey(workId);

    public int LeasesOf(string node) => Leases.Values.Count(l => l.Node == node);

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
        },
        WorkCompleted c when Open.TryGetValue(c.WorkId, out var unit) => this with
        {
            Open = Open.Remove(c.WorkId),
            Pending = Pending.Remove(unit.Order),
            Leases = Leases.Remove(c.WorkId),
            Done = Done.Add(c.WorkId),
        },
        // A lease or result for a unit already done or leased elsewhere changes nothing (decisions do not produce
        // them, so this is for safety on replay); a submission is the searches' business, not the queue's.
        _ => this,
    };

    /// <summary>
    /// Leases up to <paramref name="free"/> waiting units to <paramref name="node"/>. Fair across searches: each
    /// lease goes to the search with the fewest units leased right now (least served first), and within a search
    /// to its oldest waiting unit; ties go to the search whose oldest unit waited longest.
    /// </summary>
    public IReadOnlyList<WorkLeased> Lease(string node, int free, DateTimeOffset now, TimeSpan timeout)
    {
        var leases = new List<WorkLeased>();
        var queue = this;
        for (var i = 0; i < free && queue.Pending.Count > 0; i++)
        {
            var leased = queue.Leases.Keys.GroupBy(id => queue.Open[id].SearchId)
                .ToDictionary(g => g.Key, g => g.Count());
            var next = queue.Pending.Values.Select(id => queue.Open[id])
                .GroupBy(u => u.SearchId)
                .Select(g => g.First())
                .OrderBy(u => leased.GetValueOrDefault(u.SearchId))
                .ThenBy(u => u.Order)
                .First();
            var lease = new WorkLeased(next.WorkId, node, now + timeout, now);
            leases.Add(lease);
            queue = queue.Apply(lease);
        }
        return leases;
    }

    /// <summary>The leases whose deadline has passed: each ends, and its unit is queued again.</summary>
    public IReadOnlyList<LeaseEnded> Expire(DateTimeOffset now) =>
        Leases.Where(p => p.Value.Deadline < now).OrderBy(p => Open[p.Key].Order)
            .Select(p => new LeaseEnded(p.Key, p.Value.Node, LeaseEndReason.Expired, now)).ToList();

    /// <summary>Every lease of a node that left or was downed ends; its units are queued again.</summary>
    public IReadOnlyList<LeaseEnded> NodeLeft(string node, DateTimeOffset now) =>
        Leases.Where(p => p.Value.Node == node).OrderBy(p => Open[p.Key].Order)
            .Select(p => new LeaseEnded(p.Key, node, LeaseEndReason.NodeLeft, now)).ToList();

    /// <summary>
    /// Extends the leases the node still holds among <paramref name="workIds"/>; ids it no longer holds (done, or
    /// reassigned after expiry) are left alone, so a late heartbeat cannot take a unit back.
    /// </summary>
    public IReadOnlyList<LeasesRenewed> Renew(string node, IEnumerable<string> workIds, DateTimeOffset now,
        TimeSpan timeout)
    {
        var held = workIds.Where(id => Leases.TryGetValue(id, out var l) && l.Node == node).ToList();
        return held.Count == 0 ? [] : [new LeasesRenewed(node, held, now + timeout, now)];
    }

    /// <summary>
    /// After a coordinator hand-over every lease gets a full timeout again: the deadlines in the journal ran on
    /// while no coordinator was there to receive the nodes' renewals.
    /// </summary>
    public IReadOnlyList<LeasesRenewed> RenewAll(DateTimeOffset now, TimeSpan timeout) =>
        Leases.GroupBy(p => p.Value.Node)
            .Select(g => new LeasesRenewed(g.Key, g.Select(p => p.Key).Order().ToList(), now + timeout, now))
            .ToList();
}
