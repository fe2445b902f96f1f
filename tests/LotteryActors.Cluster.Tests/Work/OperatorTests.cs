using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// An operator's drain, undrain, cancel and resume, as pure decisions of the coordinator's state, and the node table
/// <c>lottery nodes</c> prints.
/// </summary>
public sealed class OperatorTests
{
    private const string A = "akka.tcp://lottery@10.0.0.7:4053#1";
    private const string B = "akka.tcp://lottery@10.0.0.8:4053#2";

    [Fact]
    public void A_drained_node_keeps_its_leases_takes_no_new_units_and_takes_them_again_once_undrained()
    {
        var state = TwoNodes(Submitted(Spec(tickets: 4)));
        state = state.Fold(state.Request(A, 1, 0, T0, LeaseTimeout));
        var held = Assert.Single(state.Queue.Leases);

        var drained = Assert.Single(state.Drain(A, drain: true, T0));
        state = state.Apply(drained);

        Assert.Empty(state.Drain(A, drain: true, T0));
        Assert.Equal(A, state.Queue.Leases[held.Key].Node);
        Assert.Empty(state.Request(A, 4, 1, T0, LeaseTimeout));
        Assert.NotEmpty(state.Request(B, 4, 0, T0, LeaseTimeout));
        state = state.Fold(state.Drain(A, drain: false, T0));
        Assert.NotEmpty(state.Request(A, 4, 1, T0, LeaseTimeout));
    }

    [Fact]
    public void A_node_that_leaves_drains_no_more_so_its_next_incarnation_takes_work()
    {
        var state = TwoNodes(Submitted(Spec()));
        state = state.Fold([.. state.Drain(A, drain: true, T0), .. state.Gone(new HashSet<string> { B }, T0)]);

        Assert.Empty(state.Draining);
    }

    [Fact]
    public void A_cancelled_search_loses_its_leases_gets_no_units_and_goes_on_where_it_stopped_when_submitted_again()
    {
        var (kept, cancelled) = (Spec(seed: 1), Spec(seed: 2));
        var state = TwoNodes(Submitted(kept).Fold(Submitted(kept).Submit(cancelled, T0)));
        state = state.Fold(state.Request(A, 2, 0, T0, LeaseTimeout));
        Assert.Equal(2, state.Queue.Leases.Count);
        var leasedToCancelled = state.LeasedUnits(cancelled.SearchId)[A].ToList();

        var cancel = Assert.Single(state.Cancel(cancelled.SearchId, T0));
        state = state.Apply(cancel);

        Assert.Empty(state.Cancel(cancelled.SearchId, T0));
        Assert.Empty(state.Cancel("no-such-search", T0));
        Assert.All(leasedToCancelled, id => Assert.False(state.Queue.Leases.ContainsKey(id)));
        Assert.True(state.Searches[cancelled.SearchId].Cancelled);
        var granted = state.Request(B, 8, 0, T0, LeaseTimeout);
        Assert.All(granted, l => Assert.Equal(kept.SearchId, state.Queue.Open[l.WorkId].SearchId));
        // The first result of its node does not count any more: it no longer holds the lease.
        Assert.Empty(state.Complete(A, leasedToCancelled[0], Output(state.Queue.Open[leasedToCancelled[0]].Item), T0));

        var resumed = Assert.Single(state.Submit(cancelled, T0));
        state = state.Apply(Assert.IsType<SearchResumed>(resumed));
        Assert.False(state.Searches[cancelled.SearchId].Cancelled);
        Assert.Empty(state.Submit(cancelled, T0));
        Assert.Contains(state.Request(B, 8, 0, T0, LeaseTimeout),
            l => state.Queue.Open[l.WorkId].SearchId == cancelled.SearchId);
    }

    [Fact]
    public void The_node_table_shows_each_member_and_each_trainer_that_left_with_its_slots_work_and_marks()
    {
        var state = TwoNodes(Submitted(Spec(tickets: 4)));
        state = state.Fold(state.Request(A, 2, 0, T0, LeaseTimeout));
        var unit = state.Queue.Leases.Keys.First();
        state = state.Fold([
            .. state.GiveBack(A, unit, "IOException: disk full", GiveBackRule.Default, T0.AddMinutes(1)),
            .. state.Drain(A, drain: true, T0.AddMinutes(1)),
            .. state.Gone(new HashSet<string> { A }, T0.AddMinutes(2)),
        ]);
        const string client = "akka.tcp://lottery@10.0.0.9:40001#3";
        var members = new[]
        {
            new ClusterMember(client, [], "up", "6"),
            new ClusterMember(A, ["coordinator", "trainer"], "up", "6"),
        };

        var rows = NodeTable.Of(state, members, LeaseProgress.Empty, GiveBackRule.Default, T0.AddMinutes(3));

        Assert.Equal([A, client, B], rows.Select(r => r.Node));
        var a = rows[0];
        Assert.Equal(("10.0.0.7:4053", "up", "6", 2, 1, 1, true), (a.Address, a.Status, a.ProtocolVersion, a.Slots,
            a.Free, a.RecentFailures, a.Draining));
        Assert.Single(a.Running);
        Assert.Equal((null, null, 0), (rows[1].Slots, rows[1].Free, rows[1].Running.Count));
        Assert.Equal(("left", null, (int?)null), (rows[2].Status, rows[2].ProtocolVersion, rows[2].Free));
        Assert.Equal(0, NodeTable.Of(state, members, LeaseProgress.Empty, GiveBackRule.Default,
            T0.AddMinutes(1) + GiveBackRule.Default.CordonWindow).First().RecentFailures);
    }

    private static CoordinatorState TwoNodes(CoordinatorState state)
    {
        state = RunToTrainUnits(state);
        return state.Fold([.. state.Register(A, 2, T0), .. state.Register(B, 2, T0)]);
    }
}
