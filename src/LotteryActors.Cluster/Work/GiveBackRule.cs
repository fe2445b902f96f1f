namespace LotteryActors.Cluster.Work;

/// <summary>
/// When a unit given back by its nodes (faults outside the run's science: a full disk, a failing cache, a database
/// out of connections, a bug) fails for good, and how long a node that gave it back is kept away from it
/// (<c>lottery.cluster.work</c>: <c>give-back-nodes</c>, <c>max-give-backs</c>, <c>give-back-backoff</c>). A broken
/// node says nothing about the unit, so one node's give-backs never fail it while other nodes could run it.
/// </summary>
/// <param name="Nodes">Different nodes that must have given the unit back before it fails; a cluster with fewer
/// trainer nodes present needs each of them.</param>
/// <param name="Total">Give-backs in all, by any nodes, before the unit may fail: on a one-node lab a unit is
/// tried this many times (with growing backoff) before its ticket fails.</param>
/// <param name="Backoff">How long a node is kept away from a unit it gave back, doubled with each further
/// give-back of that unit by that node.</param>
public sealed record GiveBackRule(int Nodes, int Total, TimeSpan Backoff)
{
    public static readonly GiveBackRule Default = new(Nodes: 3, Total: 3, Backoff: TimeSpan.FromSeconds(30));

    /// <summary>Give-backs by one node, of any units, within <see cref="CordonWindow"/> after which the node is
    /// cordoned: it takes no new units until an operator lifts the cordon (<c>cordon-after</c>; 0: never).
    /// </summary>
    public int CordonAfter { get; init; } = 3;

    /// <summary>The window <see cref="CordonAfter"/> counts in (<c>cordon-window</c>).</summary>
    public TimeSpan CordonWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The most give-backs per node the state remembers for cordoning: <see cref="CordonAfter"/> may not
    /// be larger.</summary>
    public const int RememberedPerNode = 32;

    // Doubling stops here (64 backoffs), so a node is never kept away for longer than about half an hour by default.
    private const int MaxDoublings = 6;

    /// <summary>True when a unit given back <paramref name="total"/> times by <paramref name="nodes"/> different
    /// nodes fails, on a cluster with <paramref name="presentNodes"/> trainer nodes.</summary>
    public bool FailsAfter(int nodes, int total, int presentNodes) =>
        total >= Total && nodes >= Math.Min(Nodes, Math.Max(1, presentNodes));

    /// <summary>True when a node whose latest give-backs were at <paramref name="times"/> (oldest first) is to be
    /// cordoned at <paramref name="now"/>.</summary>
    public bool Cordons(IReadOnlyCollection<DateTimeOffset> times, DateTimeOffset now) =>
        CordonAfter > 0 && times.Count(t => t > now - CordonWindow) >= CordonAfter;

    /// <summary>Until when a node with these give-backs of a unit gets no lease on it.</summary>
    public DateTimeOffset ExcludedUntil(NodeGiveBacks byNode) =>
        byNode.Last + Backoff * Math.Pow(2, Math.Min(byNode.Count - 1, MaxDoublings));
}

/// <summary>How often one node gave one unit back, and when it last did.</summary>
public sealed record NodeGiveBacks(int Count, DateTimeOffset Last);
