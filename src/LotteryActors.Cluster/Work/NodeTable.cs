using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Work;

/// <summary>A member of the cluster as the coordinator sees it now, by node id.</summary>
public sealed record ClusterMember(string Node, IReadOnlyList<string> Roles, string Status, string ProtocolVersion);

/// <summary>
/// What <c>lottery nodes</c> shows, as a pure function of the membership now and the coordinator's state: every
/// member (clients and coordinator-only nodes included), then every trainer node the journal recorded as gone, each
/// with its slots, the units it runs, its recent give-backs and whether it is cordoned or draining.
/// </summary>
public static class NodeTable
{
    public static IReadOnlyList<NodeStatus> Of(CoordinatorState state, IEnumerable<ClusterMember> members,
        LeaseProgress progress, GiveBackRule rule, DateTimeOffset now)
    {
        var running = state.Queue.Leases.Select(l => (Unit: state.Queue.Open[l.Key], Lease: l.Value))
            .OrderBy(l => l.Unit.Order)
            .ToLookup(l => l.Lease.Node, l => new RunningWork(l.Lease.Node, l.Unit.Item, progress.Of(l.Unit.WorkId)));
        var live = members.OrderBy(m => m.Node, StringComparer.Ordinal).ToList();
        var gone = state.Trainers.Where(t => !t.Value.Present && live.All(m => m.Node != t.Key)).Select(t => t.Key);
        NodeStatus Row(string node, IReadOnlyList<string> roles, string status, string? version, bool present)
        {
            var slots = state.Trainers.GetValueOrDefault(node)?.Slots;
            var units = running[node].ToList();
            var failures = state.RecentGiveBacks.GetValueOrDefault(node, []).Count(t => t > now - rule.CordonWindow);
            return new NodeStatus(node, NodeId.HostPort(node), roles, status, version, slots,
                present ? slots - units.Count : null, units, failures, state.Cordoned.GetValueOrDefault(node)?.Reason,
                state.Draining.Contains(node));
        }
        return
        [
            .. live.Select(m => Row(m.Node, m.Roles, m.Status, m.ProtocolVersion, present: true)),
            .. gone.Select(node => Row(node, [], "left", null, present: false)),
        ];
    }
}
