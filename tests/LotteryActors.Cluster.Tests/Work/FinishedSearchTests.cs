using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;
using static LotteryActors.Cluster.Tests.Support.SameState;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// The cluster's coordinator forgets a search once it is finished (<see cref="CoordinatorState.Bounded"/>): its
/// units, their history and its runs leave the state and the snapshot, and it is still answered as complete; the
/// journal's readers fold it whole as before.
/// </summary>
public sealed class FinishedSearchTests
{
    private const string Node = "node-a";

    private readonly SearchSpec finished = Spec(seed: 1);
    private readonly SearchSpec running = Spec(seed: 2);

    /// <summary>Two searches submitted; the first is run to its end (its ensembles journaled), the second has its
    /// inits drawn and waits. Every event, in order, as the cluster's coordinator decides them: on a state that
    /// forgets the first search with its last unit.</summary>
    private List<IClusterEvent> Journal()
    {
        var journal = new List<IClusterEvent>();
        var state = CoordinatorState.Bounded;
        void Take(IEnumerable<IClusterEvent> events)
        {
            foreach (var e in events)
            {
                journal.Add(e);
                state = state.Apply(e);
            }
        }

        Take(state.Submit(finished, T0));
        Take(state.Submit(running, T0, priority: 2));
        Take(state.Register(Node, 1, T0));
        while (!state.Progress(finished.SearchId).Finished)
        {
            Assert.True(journal.Count < 10_000, "the search did not finish");
            var unit = state.Queue.Pending.Values.Select(id => state.Queue.Open[id])
                .First(u => u.SearchId == finished.SearchId || u.Item.Kind == WorkKind.Init);
            Take([new WorkLeased(unit.WorkId, Node, T0 + LeaseTimeout, T0)]);
            Take(state.Complete(Node, unit.WorkId, Output(unit.Item), T0));
        }
        return journal;
    }

    [Fact]
    public void A_finished_search_leaves_the_state_and_its_snapshot_and_is_still_answered_as_complete()
    {
        var journal = Journal();
        var whole = CoordinatorState.Empty.Fold(journal);
        var bounded = CoordinatorState.Bounded.Fold(journal);
        var id = finished.SearchId;

        Assert.False(bounded.Searches.ContainsKey(id));
        Assert.DoesNotContain(bounded.Queue.Done, w => WorkItem.IsIn(w, id));
        var snapshot = CoordinatorSnapshot.From(bounded);
        Assert.DoesNotContain(snapshot.Searches, s => s.SearchId == id);
        Assert.DoesNotContain(snapshot.Done, w => WorkItem.IsIn(w, id));
        Assert.Equal(id, Assert.Single(snapshot.Finished!).SearchId);
        // Those who read the journal (status, compare, report) still fold it whole, runs and all.
        Assert.True(whole.Searches[id].Completed);
        Assert.Contains(whole.Queue.Done, w => WorkItem.IsIn(w, id));

        AnswersAlike(whole, bounded);
        AnswersAlike(whole, bounded.ToJournaledSnapshot().ToState() with { ForgetsFinished = true });
        // A coordinator that recovers from a snapshot taken before searches were forgotten forgets them then.
        AnswersAlike(whole, (whole.ToJournaledSnapshot().ToState() with { ForgetsFinished = true }).ForgetFinished());
    }

    /// <summary>The finished search is complete and known to a submission, a progress question, a cancel and a
    /// retry, as in the whole fold; the other search decides as in the whole fold.</summary>
    private void AnswersAlike(CoordinatorState whole, CoordinatorState bounded)
    {
        var (id, now) = (finished.SearchId, T0.AddHours(1));
        Assert.False(bounded.Searches.ContainsKey(id));
        Assert.True(bounded.Knows(id));
        Assert.Equal(whole.Progress(id), bounded.Progress(id));
        Assert.True(bounded.Progress(id).Finished);
        Assert.Empty(whole.Submit(finished, now));
        Assert.Empty(bounded.Submit(finished, now));
        Assert.Empty(bounded.Cancel(id, now));
        Assert.Empty(bounded.RetryFailed(id, now));
        Assert.Equal(2, bounded.PriorityOf(running.SearchId));
        Assert.Equal(Written(whole.Request(Node, 3, 0, now, LeaseTimeout)),
            Written(bounded.Request(Node, 3, 0, now, LeaseTimeout)));
    }
}
