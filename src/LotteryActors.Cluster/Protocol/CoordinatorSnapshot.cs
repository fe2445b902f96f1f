using System.Collections.Immutable;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Work;

namespace LotteryActors.Cluster.Protocol;

/// <summary>
/// The journaled form of a <see cref="CoordinatorState"/>, so a coordinator that takes over replays only the events
/// after it instead of every lease since the first search. Plain lists, so it serialises as JSON unchanged; each
/// search is the single-node <see cref="SearchSnapshot"/> of its state. The queue's waiting order is not stored:
/// it is every open unit that is not leased, in queue order, so it cannot disagree with the rest.
/// </summary>
public sealed record CoordinatorSnapshot(
    IReadOnlyList<SearchSnapshot> Searches,
    IReadOnlyList<OpenUnit> Open,
    IReadOnlyList<HeldLease> Leases,
    IReadOnlyList<string> Done,
    long NextOrder,
    IReadOnlyList<UnitGiveBacks> GiveBacks,
    IReadOnlyList<WrongCopy> WrongData,
    IReadOnlyList<KnownTrainer> Trainers) : IClusterJournalEntry
{
    /// <summary>
    /// Which nodes gave each open unit back, how often and when last (v2): a unit fails only when enough different
    /// nodes gave it back, and a node is kept away from a unit it gave back for a while. Null in a v1 snapshot, whose
    /// give-backs are counted per unit only: they still count towards the total, but no node for them.
    /// </summary>
    public IReadOnlyList<GivenBack>? GivenBackBy { get; init; }

    /// <summary>The nodes cordoned (v3); null in older snapshots, written before nodes were cordoned.</summary>
    public IReadOnlyList<CordonedNode>? Cordoned { get; init; }

    /// <summary>When each node last gave units back (v3), what cordoning counts; null in older snapshots.</summary>
    public IReadOnlyList<NodeGiveBackTimes>? RecentGiveBacks { get; init; }

    /// <summary>The nodes draining (v5); null in older snapshots, written before nodes drained.</summary>
    public IReadOnlyList<string>? Draining { get; init; }

    /// <summary>The searches an operator cancelled (v5); null in older snapshots, written before searches were
    /// cancelled.</summary>
    public IReadOnlyList<string>? Cancelled { get; init; }

    /// <summary>The searches whose priority is not the default (v6); null in older snapshots, written before
    /// searches had priorities: every search reads as the default.</summary>
    public IReadOnlyList<PrioritizedSearch>? Priorities { get; init; }

    /// <summary>The searches finished and forgotten (v7, <see cref="CoordinatorState.Finished"/>): in place of their
    /// whole state, their final progress. Null in older snapshots, which kept every search whole.</summary>
    public IReadOnlyList<FinishedSearch>? Finished { get; init; }

    public static CoordinatorSnapshot From(CoordinatorState state) => new(
        state.Searches.Values.Select(SearchSnapshot.From).ToList(),
        state.Queue.Open.Values.OrderBy(u => u.Order).ToList(),
        state.Queue.Leases.Select(p => new HeldLease(p.Key, p.Value.Node, p.Value.Deadline))
            .OrderBy(l => l.WorkId, StringComparer.Ordinal).ToList(),
        state.Queue.Done.Order(StringComparer.Ordinal).ToList(),
        state.Queue.NextOrder,
        state.Queue.GiveBacks.Select(p => new UnitGiveBacks(p.Key, p.Value))
            .OrderBy(g => g.WorkId, StringComparer.Ordinal).ToList(),
        state.Queue.WrongData.Select(w => new WrongCopy(w.Node, w.SearchId))
            .OrderBy(w => w.Node, StringComparer.Ordinal).ThenBy(w => w.SearchId, StringComparer.Ordinal).ToList(),
        state.Trainers.Select(p => new KnownTrainer(p.Key, p.Value.Slots, p.Value.Since, p.Value.LeftAt)).ToList())
    {
        GivenBackBy = state.Queue.GivenBackBy
            .SelectMany(u => u.Value.Select(n => new GivenBack(u.Key, n.Key, n.Value.Count, n.Value.Last)))
            .OrderBy(g => g.WorkId, StringComparer.Ordinal).ThenBy(g => g.Node, StringComparer.Ordinal).ToList(),
        Cordoned = state.Cordoned.Values.Select(c => new CordonedNode(c.Node, c.Reason, c.OccurredAt)).ToList(),
        RecentGiveBacks = state.RecentGiveBacks.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new NodeGiveBackTimes(p.Key, p.Value)).ToList(),
        Draining = [.. state.Draining],
        Cancelled = [.. state.CancelledSearches().Order(StringComparer.Ordinal)],
        Priorities = [.. state.Searches.Where(s => s.Value.Priority != SearchPriority.Default)
            .Select(s => new PrioritizedSearch(s.Key, s.Value.Priority))],
        Finished = [.. state.Finished.Values],
    };

    public CoordinatorState ToState()
    {
        var leases = Leases.ToImmutableDictionary(l => l.WorkId, l => new Lease(l.Node, l.Deadline));
        var queue = new WorkQueue(
            Open.ToImmutableDictionary(u => u.WorkId),
            Open.Where(u => !leases.ContainsKey(u.WorkId)).ToImmutableSortedDictionary(u => u.Order, u => u.WorkId),
            leases,
            Done.ToImmutableHashSet(),
            NextOrder)
        {
            GiveBacks = GiveBacks.ToImmutableDictionary(g => g.WorkId, g => g.Count),
            WrongData = WrongData.Select(w => (w.Node, w.SearchId)).ToImmutableHashSet(),
            GivenBackBy = (GivenBackBy ?? []).GroupBy(g => g.WorkId).ToImmutableDictionary(g => g.Key,
                g => g.ToImmutableDictionary(n => n.Node, n => new NodeGiveBacks(n.Count, n.LastAt))),
        };
        var cancelled = (Cancelled ?? []).ToHashSet();
        var priorities = (Priorities ?? []).ToDictionary(p => p.SearchId, p => p.Priority);
        return new CoordinatorState(queue, Searches.Select(s => s.ToState())
            .ToImmutableSortedDictionary(s => s.SearchId!, s => s with
            {
                Cancelled = cancelled.Contains(s.SearchId!),
                Priority = priorities.GetValueOrDefault(s.SearchId!, SearchPriority.Default),
            }))
        {
            Trainers = Trainers.ToImmutableSortedDictionary(t => t.Node,
                t => new TrainerNode(t.Slots, t.Since, t.LeftAt)),
            Cordoned = (Cordoned ?? []).ToImmutableSortedDictionary(c => c.Node,
                c => new ClusterEvents.NodeCordoned(c.Node, c.Reason, c.Since)),
            RecentGiveBacks =
                (RecentGiveBacks ?? []).ToImmutableDictionary(n => n.Node, n => n.Times.ToImmutableList()),
            Draining = (Draining ?? []).ToImmutableSortedSet(),
            Finished = (Finished ?? []).ToImmutableSortedDictionary(f => f.SearchId, f => f),
        };
    }
}

/// <summary>A unit the queue knows and has not seen done; <see cref="Order"/> is its place in the queue. The
/// queue's own record and the snapshot's, written as it is.</summary>
public sealed record OpenUnit(string WorkId, string SearchId, WorkItem Item, long Order);

/// <summary>A lease as a snapshot stores it: the unit, its node, its deadline.</summary>
public sealed record HeldLease(string WorkId, string Node, DateTimeOffset Deadline);

/// <summary>How many times an open unit was given back, so a successor does not restart its count.</summary>
public sealed record UnitGiveBacks(string WorkId, int Count);

/// <summary>How many times a node gave an open unit back, and when it last did.</summary>
public sealed record GivenBack(string WorkId, string Node, int Count, DateTimeOffset LastAt);

/// <summary>A cordoned node, why and since when.</summary>
public sealed record CordonedNode(string Node, string Reason, DateTimeOffset Since);

/// <summary>When a node last gave units back, oldest first.</summary>
public sealed record NodeGiveBackTimes(string Node, IReadOnlyList<DateTimeOffset> Times);

/// <summary>A node whose dataset differs from the search's, so a successor does not lease it that search again.
/// </summary>
public sealed record WrongCopy(string Node, string SearchId);

/// <summary>A search finished and forgotten by the coordinator: its runs journaled and asked for.</summary>
public sealed record FinishedSearch(string SearchId, int RunsDone, int RunsTotal)
{
    public static FinishedSearch Of(SearchState search)
    {
        var (done, total) = search.Progress();
        return new FinishedSearch(search.SearchId!, done, total);
    }
}

/// <summary>A search's priority, where it is not the default.</summary>
public sealed record PrioritizedSearch(string SearchId, int Priority);

/// <summary>A trainer node as the journal knows it: its slots, since when, and when it left (null while present).
/// </summary>
public sealed record KnownTrainer(string Node, int Slots, DateTimeOffset Since, DateTimeOffset? LeftAt);
