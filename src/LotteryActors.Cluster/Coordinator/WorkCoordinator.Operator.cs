using Akka.Actor;
using Akka.Event;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Coordinator;

/// <summary>The operator's requests (<c>lottery nodes</c>, <c>drain</c>, <c>undrain</c>, <c>cancel</c>): decided by
/// the state like everything else, journaled, then answered.</summary>
public sealed partial class WorkCoordinator
{
    /// <summary>A node drains (an operator's, or its own as it stops), or undrains: journaled, then answered.
    /// </summary>
    private void OnDrainRequested(DrainRequested request)
    {
        var requester = Sender;
        var events = planned.Drain(request.Node, request.Drain, Now);
        if (events.Count > 0)
            log.Info("{Node}: {What}", request.Node,
                request.Drain ? "draining: what it runs finishes, it takes no new units" : "undrained");
        RecordAndDispatch(events, () =>
        {
            requester.Tell(new DrainSet(request.Node, state.Draining.Contains(request.Node), events.Count > 0));
        });
    }

    /// <summary>
    /// The search's leases end with its cancellation; once that is journaled each node that ran one of its units is
    /// told to stop it (a node that misses the word finds its result ignored: it no longer holds the lease).
    /// </summary>
    private void OnCancelRequested(CancelRequested request)
    {
        var requester = Sender;
        var known = planned.Knows(request.SearchId);
        var events = planned.Cancel(request.SearchId, Now);
        List<IGrouping<string, string>> leased = events.Count > 0 ? [.. planned.LeasedUnits(request.SearchId)] : [];
        if (events.Count > 0)
            log.Warning("search {SearchId} cancelled by an operator; {Count} running unit(s) stop", request.SearchId,
                leased.Sum(g => g.Count()));
        RecordAndDispatch(events, () =>
        {
            var stopped = 0;
            foreach (var units in leased)
            {
                if (pullers.TryGetValue(units.Key, out var puller))
                    puller.Node.Tell(new UnitsCancelled([.. units]));
                stopped += units.Count();
            }
            requester.Tell(new CancelAnswered(request.SearchId, known, events.Count > 0, stopped));
        });
    }

    /// <summary>The cluster's members now, each with its roles, state and protocol version.</summary>
    private IEnumerable<ClusterMember> ClusterMembers()
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System).State;
        return cluster.Members.Select(m => new ClusterMember(NodeId.Of(m.UniqueAddress), [.. m.Roles.Order()],
            cluster.Unreachable.Contains(m) ? "unreachable" : m.Status.ToString().ToLowerInvariant(),
            m.AppVersion.ToString()));
    }
}
