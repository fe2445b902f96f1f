using System.Collections.Immutable;
using LotteryActors.Actors.Protocol;
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
    long NextOrder) : IClusterJournalEntry
{
    public static CoordinatorSnapshot From(CoordinatorState state) => new(
        state.Searches.Values.Select(SearchSnapshot.From).ToList(),
        state.Queue.Open.Values.OrderBy(u => u.Order).ToList(),
        state.Queue.Leases.Select(p => new HeldLease(p.Key, p.Value.Node, p.Value.Deadline))
            .OrderBy(l => l.WorkId, StringComparer.Ordinal).ToList(),
        state.Queue.Done.Order(StringComparer.Ordinal).ToList(),
        state.Queue.NextOrder);

    public CoordinatorState ToState()
    {
        var leases = Leases.ToImmutableDictionary(l => l.WorkId, l => new Lease(l.Node, l.Deadline));
        var queue = new WorkQueue(
            Open.ToImmutableDictionary(u => u.WorkId),
            Open.Where(u => !leases.ContainsKey(u.WorkId)).ToImmutableSortedDictionary(u => u.Order, u => u.WorkId),
            leases,
            Done.ToImmutableHashSet(),
            NextOrder);
        return new CoordinatorState(queue,
            Searches.Select(s => s.ToState()).ToImmutableSortedDictionary(s => s.SearchId!, s => s));
    }
}

/// <summary>A lease as a snapshot stores it: the unit, its node, its deadline.</summary>
public sealed record HeldLease(string WorkId, string Node, DateTimeOffset Deadline);
