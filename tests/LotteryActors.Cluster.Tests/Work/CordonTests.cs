using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// A node that gives units back again and again is cordoned automatically, as a pure fold: it takes no new units,
/// the cordon is journaled, and an operator lifts it.
/// </summary>
public sealed class CordonTests
{
    private const string A = "node-a";
    private const string B = "node-b";
    private static readonly GiveBackRule Rule = GiveBackRule.Default;

    [Fact]
    public void A_node_giving_back_units_within_the_window_is_cordoned_gets_no_work_until_an_operator_lifts_it()
    {
        var (state, units) = TwoNodesAndTrainUnits();
        var now = T0;
        for (var i = 0; i < Rule.CordonAfter - 1; i++)
        {
            now = now.AddMinutes(1);
            var back = GiveBack(ref state, A, units[i], now);
            Assert.Empty(back.OfType<NodeCordoned>());
        }
        var last = GiveBack(ref state, A, units[Rule.CordonAfter - 1], now.AddMinutes(1));

        var cordon = Assert.Single(last.OfType<NodeCordoned>());
        Assert.Equal(A, cordon.Node);
        Assert.Contains("IOException: cache write failed", cordon.Reason);
        Assert.Empty(state.Request(A, 4, 0, now.AddHours(1), LeaseTimeout, Rule));
        Assert.NotEmpty(state.Request(B, 4, 0, now.AddHours(1), LeaseTimeout, Rule));

        var lifted = Assert.Single(state.Uncordon(A, now.AddHours(2)));
        state = state.Apply(lifted);
        Assert.Empty(state.Uncordon(A, now.AddHours(2)));
        Assert.NotEmpty(state.Request(A, 4, 0, now.AddHours(2), LeaseTimeout, Rule));
        // Its give-backs before the cordon are forgiven: one more does not cordon it again.
        Assert.Empty(GiveBack(ref state, A, units[0], now.AddHours(2)).OfType<NodeCordoned>());
    }

    [Fact]
    public void Give_backs_spread_wider_than_the_window_and_the_last_node_taking_work_are_never_cordoned()
    {
        var (state, units) = TwoNodesAndTrainUnits();
        var now = T0;
        foreach (var unit in units)
        {
            now += Rule.CordonWindow;
            Assert.Empty(GiveBack(ref state, A, unit, now).OfType<NodeCordoned>());
        }

        var alone = Submitted(Spec(tickets: 4));
        alone = RunToTrainUnits(alone.Fold(alone.Register(A, 1, T0)));
        var train = alone.Queue.Pending.Values.ToList();
        for (var i = 0; i < Rule.CordonAfter + 1; i++)
            Assert.Empty(GiveBack(ref alone, A, train[i], T0.AddSeconds(i)).OfType<NodeCordoned>());
    }

    /// <summary>Two registered nodes and a search whose first training runs (one per ticket) wait.</summary>
    private static (CoordinatorState State, List<string> Units) TwoNodesAndTrainUnits()
    {
        var state = RunToTrainUnits(Submitted(Spec(tickets: 4)));
        state = state.Fold([.. state.Register(A, 1, T0), .. state.Register(B, 1, T0)]);
        return (state, state.Queue.Pending.Values.ToList());
    }

    private static IReadOnlyList<IClusterEvent> GiveBack(ref CoordinatorState state, string node, string workId,
        DateTimeOffset now)
    {
        state = state.Apply(new WorkLeased(workId, node, now + LeaseTimeout, now));
        var events = state.GiveBack(node, workId, "IOException: cache write failed", Rule, now);
        state = state.Fold(events);
        return events;
    }
}
