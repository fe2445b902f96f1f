using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// <c>resume &lt;id&gt; --retry-failed</c> on a cluster search, as pure folds: the failed tickets open again from their
/// last journaled run, what they wait on is queued again although it was done, the ensembles are evaluated again
/// once they finish, and a repeated request journals nothing.
/// </summary>
public sealed class RetryFailedTests
{
    private const string Node = "node-a";

    private static readonly SearchSpec Search = Spec(tickets: 2);

    /// <summary>Leases the unit to the node and delivers its output (a result counts from the lease holder).</summary>
    private static CoordinatorState Finish(CoordinatorState state, OpenUnit unit, WorkOutput output)
    {
        state = state.Apply(new WorkLeased(unit.WorkId, Node, T0 + LeaseTimeout, T0));
        return state.Fold(state.Complete(Node, unit.WorkId, output, T0));
    }

    /// <summary>Every unit to its end; the first run of ticket <paramref name="diverging"/> diverges.</summary>
    private static CoordinatorState RunToTheEnd(CoordinatorState state, TicketId? diverging = null)
    {
        while (state.Queue.Pending.Count > 0)
        {
            var unit = state.Queue.Open[state.Queue.Pending.Values.First()];
            var diverges = unit.Item.Run?.Ticket.ToDomain() is { } ticket && ticket == diverging
                && !state.Searches[unit.SearchId].Ticket(ticket).Failed;
            state = Finish(state, unit, diverges ? WorkOutput.Diverged("loss is NaN") : Output(unit.Item));
        }
        return state;
    }

    private static readonly TicketId Second = new(0, 1);

    [Fact]
    public void A_diverged_ticket_runs_again_from_its_failed_run_and_the_ensembles_are_evaluated_again()
    {
        var state = RunToTheEnd(Submitted(Search), diverging: Second);
        Assert.True(state.Progress(Search.SearchId).Finished);
        var failedRun = state.Searches[Search.SearchId].NextUnit(Second);

        var retry = state.RetryFailed(Search.SearchId, T0);

        var retried = Assert.IsType<TicketsRetried>(retry[0]);
        Assert.Equal([JournalRecords.From(Second)], retried.Tickets);
        var failedId = WorkItem.Train(failedRun!).IdIn(Search.SearchId);
        Assert.Equal([failedId, WorkItem.EnsemblesId(Search.SearchId)], retried.Reopened);
        Assert.Equal(failedId, Assert.IsType<WorkQueued>(Assert.Single(retry.Skip(1))).WorkId);
        state = state.Fold(retry);
        Assert.False(state.Progress(Search.SearchId).Finished);
        Assert.True(state.Queue.IsOpen(failedId));

        var ensembles = WorkItem.EnsemblesId(Search.SearchId);
        while (!state.Queue.IsOpen(ensembles))
            state = Finish(state, state.Queue.Open[state.Queue.Pending.Values.First()],
                Output(state.Queue.Open[state.Queue.Pending.Values.First()].Item));
        // The ensembles evaluated again combine both tickets at every round.
        Assert.All(state.Queue.Open[ensembles].Item.Ensembles!, level => Assert.Equal(2, level.WeightsHashes.Count));
        state = RunToTheEnd(state);

        var search = state.Searches[Search.SearchId];
        Assert.True(search.Completed);
        Assert.Empty(search.FailedTickets());
        Assert.True(search.Ticket(Second).Finished);
    }

    [Fact]
    public void A_repeated_retry_journals_nothing_and_an_unknown_search_nothing()
    {
        var state = RunToTheEnd(Submitted(Search), diverging: Second);
        state = state.Fold(state.RetryFailed(Search.SearchId, T0));

        Assert.Empty(state.RetryFailed(Search.SearchId, T0));
        Assert.Empty(state.RetryFailed("no-such-search", T0));
    }

    [Fact]
    public void A_retry_asked_while_the_ensembles_are_evaluated_waits_for_them()
    {
        var state = Submitted(Search);
        while (state.Queue.Pending.Values.Select(id => state.Queue.Open[id]).FirstOrDefault() is { } unit
               && unit.Item.Kind != WorkKind.Ensemble)
            state = Finish(state, unit, unit.Item.Run?.Ticket.ToDomain() == Second
                ? WorkOutput.Diverged("loss is NaN")
                : Output(unit.Item));
        Assert.True(state.Queue.IsOpen(WorkItem.EnsemblesId(Search.SearchId)));

        Assert.Empty(state.RetryFailed(Search.SearchId, T0));
    }

    [Fact]
    public void Tickets_whose_init_draw_failed_for_good_wait_on_that_draw_again()
    {
        var state = Submitted(Search);
        var init = Assert.Single(state.Queue.Open.Values);
        state = state.Fold([new WorkFailed(init.WorkId, "IOException: disk full", GiveBacks: 3, T0)]);
        state = RunToTheEnd(state);
        Assert.Equal(2, state.Searches[Search.SearchId].FailedTickets().Count());

        var retry = state.RetryFailed(Search.SearchId, T0);

        Assert.Equal(init.WorkId, Assert.IsType<WorkQueued>(Assert.Single(retry.Skip(1))).WorkId);
        state = RunToTheEnd(state.Fold(retry));
        Assert.True(state.Searches[Search.SearchId].Completed);
        Assert.Empty(state.Searches[Search.SearchId].FailedTickets());
    }

    /// <summary>The cluster's coordinator forgets a search once it is finished, but not one with a failed ticket:
    /// an operator's retry reopens that, as in a fold that keeps every search whole.</summary>
    [Fact]
    public void The_cluster_coordinator_keeps_a_complete_search_with_a_failed_ticket_whole_for_a_retry()
    {
        var whole = RunToTheEnd(Submitted(Search), diverging: Second);
        var bounded = RunToTheEnd(CoordinatorState.Bounded.Fold(CoordinatorState.Bounded.Submit(Search, T0)),
            diverging: Second);
        Assert.True(bounded.Progress(Search.SearchId).Finished);
        Assert.True(bounded.Searches.ContainsKey(Search.SearchId));

        var retry = bounded.RetryFailed(Search.SearchId, T0);

        Assert.Equal(SameState.Written(whole.RetryFailed(Search.SearchId, T0)), SameState.Written(retry));
        bounded = RunToTheEnd(bounded.Fold(retry));
        // Now finished with no failed ticket: forgotten, and still answered as complete.
        Assert.False(bounded.Searches.ContainsKey(Search.SearchId));
        Assert.True(bounded.Progress(Search.SearchId).Finished);
    }
}
