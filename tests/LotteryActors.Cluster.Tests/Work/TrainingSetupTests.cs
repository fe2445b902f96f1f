using LotteryActors.Actors.Protocol;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// A run's result says how its node trained it, and the search's state folds that as a single node's resume on
/// another setup does: the journal shows which runs came from which setup, and a snapshot keeps the latest.
/// </summary>
public sealed class TrainingSetupTests
{
    private static readonly TrainingSetup Separate = new("cpu", "separate", null, 1);
    private static readonly TrainingSetup Stacked = new("cuda", "stacked", 8, 2);

    [Fact]
    public void Each_run_journals_its_nodes_setup_and_the_search_follows_the_latest()
    {
        var spec = Spec(tickets: 2);
        var state = RunToTrainUnits(Submitted(spec));
        Assert.Equal(2, state.Queue.Pending.Count);
        var (first, second) = (state.Queue.Pending.Values.First(), state.Queue.Pending.Values.Last());
        Assert.Null(state.Searches[spec.SearchId].Setup); // an init draw carries none

        state = state.Apply(new WorkLeased(first, "a", T0 + LeaseTimeout, T0));
        var one = state.Complete("a", first, Output(state.Queue.Open[first].Item), T0, setup: Separate);
        state = state.Fold(one);
        Assert.Equal(Separate, Assert.IsType<WorkCompleted>(one[0]).Setup);
        Assert.Equal(Separate, state.Searches[spec.SearchId].Setup);
        state = state.Apply(new WorkLeased(second, "b", T0 + LeaseTimeout, T0));
        var two = state.Complete("b", second, Output(state.Queue.Open[second].Item), T0, setup: Stacked);
        state = state.Fold(two);

        Assert.Equal(Stacked, Assert.IsType<WorkCompleted>(two[0]).Setup);
        Assert.Equal(Stacked, state.Searches[spec.SearchId].Setup);
        Assert.Equal(Stacked, CoordinatorSnapshot.From(state).ToState().Searches[spec.SearchId].Setup);
    }

    [Fact]
    public void A_completion_journaled_before_setups_were_sent_leaves_the_search_as_it_was()
    {
        var spec = Spec();
        var state = RunToTrainUnits(Submitted(spec));
        var first = state.Queue.Pending.Values.First();
        state = state.CompletedBy("a", first, Separate);
        var second = state.Queue.Pending.Values.First();

        state = state.CompletedBy("old", second);

        Assert.Equal(Separate, state.Searches[spec.SearchId].Setup);
    }
}
