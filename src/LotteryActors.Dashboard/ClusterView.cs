using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;

namespace LotteryActors.Dashboard;

/// <summary>
/// What the page is pushed about the cluster, from its coordinator's journal alone (so any machine that reads the
/// journal sees it): each trainer node with its slots, the units leased to it, and the nodes that left; and how many
/// units wait for a slot. Empty where no cluster writes the journal.
/// </summary>
public sealed record ClusterView(IReadOnlyList<NodeView> Nodes, int Waiting)
{
    public static ClusterView From(CoordinatorState state)
    {
        var queue = state.Queue;
        var leased = queue.Leases.GroupBy(l => l.Value.Node)
            .ToDictionary(g => g.Key, g => g.Select(l => Unit(queue.Open[l.Key], l.Value)).ToList());
        // A node that holds leases but registered before registrations were journaled shows with unknown slots.
        var nodes = state.Trainers.Keys.Union(leased.Keys).Order(StringComparer.Ordinal).Select(node =>
        {
            var trainer = state.Trainers.GetValueOrDefault(node);
            var units = leased.GetValueOrDefault(node) ?? [];
            return new NodeView(node, NodeId.HostPort(node), trainer?.Slots, units.Count,
                trainer is { Present: true } ? trainer.Slots - units.Count : null,
                trainer is { Present: false } ? "left"
                : state.Cordoned.ContainsKey(node) ? "cordoned"
                : state.Draining.Contains(node) ? "draining" : "up",
                trainer?.Since, trainer?.LeftAt,
                [.. units.OrderBy(u => u.Search).ThenBy(u => u.Ticket).ThenBy(u => u.Round)]);
        }).ToList();
        return new ClusterView(nodes, queue.Pending.Count);
    }

    private static LeasedUnit Unit(OpenUnit unit, Lease lease) => unit.Item.Run is { } run
        ? new LeasedUnit(unit.SearchId, run.Ticket.ToString(), run.Round, SpecNames.Of(run.Kind), lease.Deadline)
        : new LeasedUnit(unit.SearchId, unit.Item.InitLabel, null, "init", lease.Deadline);
}

/// <param name="Node">The node's id: its address and incarnation (a restarted node is a new node).</param>
/// <param name="Address">host:port, what a person reads.</param>
/// <param name="Slots">Null for a node known only from its leases.</param>
/// <param name="Free">Slots less the units leased to it; null where the slots are unknown or the node left.</param>
/// <param name="State">up; cordoned (it gave units back too often and takes no new ones until an operator lifts
/// the cordon); draining (an operator drained it, or it is stopping: what it runs finishes, it takes nothing new);
/// or left (it left the cluster or was downed).</param>
public sealed record NodeView(string Node, string Address, int? Slots, int Used, int? Free, string State,
    DateTimeOffset? Since, DateTimeOffset? LeftAt, IReadOnlyList<LeasedUnit> Units);

/// <summary>A unit a node holds: a ticket's run (round and kind), or an init draw (no round).</summary>
public sealed record LeasedUnit(string Search, string Ticket, int? Round, string Kind, DateTimeOffset Deadline);
