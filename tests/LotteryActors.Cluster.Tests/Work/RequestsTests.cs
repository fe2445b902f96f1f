using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// Every node that asked, decided at once (<see cref="CoordinatorState.Requests"/>, what the coordinator does after
/// each event): the leases each node's own request would get in turn, never one unit twice.
/// </summary>
public sealed class RequestsTests
{
    private const string Full = "node-full";
    private const string Busy = "node-busy";
    private const string A = "node-a";
    private const string B = "node-b";

    [Fact]
    public void The_requests_of_several_nodes_lease_what_their_requests_in_turn_would_and_no_unit_twice()
    {
        var state = RunToTrainUnits(Submitted(Spec(tickets: 4)));
        state = state.Fold(state.Request(Full, 1, 0, T0, LeaseTimeout));
        (string, int, int)[] asked = [(Full, 1, 0), (A, 2, 0), (Busy, 2, 2), (B, 4, 1)];
        var inTurn = new List<WorkLeased>();
        foreach (var (node, slots, busy) in asked)
        {
            var granted = state.Fold(inTurn).Request(node, slots, busy, T0, LeaseTimeout);
            inTurn.AddRange(granted);
        }

        var leases = state.Requests(asked, T0, LeaseTimeout);

        Assert.Equal(inTurn, leases);
        Assert.Equal(leases.Count, leases.Select(l => l.WorkId).Distinct().Count());
        // The units were fewer than the free slots, so the two nodes with room shared them.
        Assert.InRange(state.Queue.Pending.Count, 3, 2 + 3 - 1);
        Assert.Equal(new[] { A, B }, leases.Select(l => l.Node).Distinct().Order());
    }
}
