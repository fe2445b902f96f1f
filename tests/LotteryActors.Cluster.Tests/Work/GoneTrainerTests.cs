using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// A lab that restarts nodes for weeks: every restart is a new node id, and the coordinator's state remembers only
/// the most recent <see cref="CoordinatorState.GoneTrainersKept"/> that left, beside every present one.
/// </summary>
public sealed class GoneTrainerTests
{
    private static string Node(int i) => $"node-{i:D3}";

    /// <summary>One node that stays, then <paramref name="restarts"/> nodes that each register and leave in turn.</summary>
    private static CoordinatorState Lab(int restarts)
    {
        var state = CoordinatorState.Bounded;
        IEnumerable<IClusterEvent> events = [new TrainerRegistered("stays", 2, T0)];
        for (var i = 0; i < restarts; i++)
            events = events.Append(new TrainerRegistered(Node(i), 1, T0.AddMinutes(i)))
                .Append(new TrainerLeft(Node(i), T0.AddMinutes(i).AddSeconds(30)));
        return state.Fold(events.ToList());
    }

    [Fact]
    public void Only_the_most_recently_departed_nodes_are_remembered_beside_every_present_one()
    {
        const int restarts = CoordinatorState.GoneTrainersKept + 10;

        var state = Lab(restarts);

        Assert.True(state.Trainers["stays"].Present);
        var gone = state.Trainers.Where(t => !t.Value.Present).Select(t => t.Key).Order().ToList();
        Assert.Equal(Enumerable.Range(10, CoordinatorState.GoneTrainersKept).Select(Node), gone);
    }

    [Fact]
    public void Below_the_limit_every_departed_node_is_remembered()
    {
        var state = Lab(CoordinatorState.GoneTrainersKept);

        Assert.Equal(CoordinatorState.GoneTrainersKept + 1, state.Trainers.Count);
    }

    [Fact]
    public void A_forgotten_node_that_registers_again_is_present()
    {
        var state = Lab(CoordinatorState.GoneTrainersKept + 1);
        Assert.False(state.Trainers.ContainsKey(Node(0)));

        state = state.Apply(new TrainerRegistered(Node(0), 1, T0.AddDays(1)));

        Assert.True(state.Trainers[Node(0)].Present);
    }
}
