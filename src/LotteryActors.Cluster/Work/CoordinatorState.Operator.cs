using System.Collections.Immutable;
using LotteryActors.Cluster.Protocol;
using static LotteryActors.Cluster.Protocol.ClusterEvents;

namespace LotteryActors.Cluster.Work;

/// <summary>
/// What an operator decides about the cluster (<c>lottery drain</c>, <c>undrain</c>, <c>cancel</c>, and a cancelled
/// search submitted or resumed again), kept beside the work's own fold: each is a journaled event, so a coordinator
/// that takes over keeps it.
/// </summary>
public sealed partial record CoordinatorState
{
    /// <summary>The nodes draining now (<see cref="NodeDrained"/>): what they run finishes, they take no new units.
    /// A node that leaves drains no more (a restarted node is a new node).</summary>
    public ImmutableSortedSet<string> Draining { get; init; } = ImmutableSortedSet<string>.Empty;

    /// <summary>The searches an operator cancelled and nobody resumed since: none of their units is leased.</summary>
    public IReadOnlySet<string> CancelledSearches() =>
        Searches.Where(s => s.Value.Cancelled).Select(s => s.Key).ToHashSet();

    private CoordinatorState ApplyOperator(IClusterEvent e) => e switch
    {
        NodeDrained d => this with { Draining = Draining.Add(d.Node) },
        NodeUndrained u => this with { Draining = Draining.Remove(u.Node) },
        SearchCancelled c when Searches.TryGetValue(c.SearchId, out var search) => this with
        {
            Queue = Queue.Apply(c),
            Searches = Searches.SetItem(c.SearchId, search with { Cancelled = true }),
        },
        SearchResumed r when Searches.TryGetValue(r.SearchId, out var search) => this with
        {
            Searches = Searches.SetItem(r.SearchId, search with { Cancelled = false }),
        },
        _ => this,
    };

    /// <summary>Drains <paramref name="node"/> (a node id), or undrains it where <paramref name="drain"/> is false;
    /// nothing when it already is (or is not) draining, so a repeated request journals nothing.</summary>
    public IReadOnlyList<IClusterEvent> Drain(string node, bool drain, DateTimeOffset now) =>
        Draining.Contains(node) == drain ? []
        : drain ? [new NodeDrained(node, now)]
        : [new NodeUndrained(node, now)];

    /// <summary>
    /// Cancels the search: its leases end with the event (<see cref="WorkQueue.Apply"/>) and none of its units is
    /// leased until it is submitted or resumed again. Nothing for a search that is unknown, complete or cancelled.
    /// </summary>
    public IReadOnlyList<SearchCancelled> Cancel(string searchId, DateTimeOffset now) =>
        Searches.TryGetValue(searchId, out var search) && !search.Completed && !search.Cancelled
            ? [new SearchCancelled(searchId, now)]
            : [];

    /// <summary>A known search submitted again: a cancelled one goes on from where it stopped, any other is left
    /// alone (a client that re-sends after a lost reply never registers a search twice).</summary>
    private IReadOnlyList<IClusterEvent> Resume(string searchId, DateTimeOffset now) =>
        Searches[searchId].Cancelled ? [new SearchResumed(searchId, now)] : [];

    /// <summary>The search's units leased now, by the node that holds each: who is to stop what when it is
    /// cancelled.</summary>
    public ILookup<string, string> LeasedUnits(string searchId) =>
        Queue.Leases.Where(l => Queue.Open[l.Key].SearchId == searchId).ToLookup(l => l.Value.Node, l => l.Key);
}
