using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// Units that come back without a result, as pure folds: a unit given back for faults outside its science fails at
/// the limit instead of going round for ever, and a node with another copy of a search's dataset is kept away from
/// that search without costing its units anything.
/// </summary>
public sealed class GiveBackTests
{
    private const string A = "node-a";
    private const string B = "node-b";
    private const string C = "node-c";
    private static readonly GiveBackRule Rule = GiveBackRule.Default;

    [Fact]
    public void A_run_given_back_up_to_the_limit_fails_its_ticket_with_the_last_cause_and_the_search_still_ends()
    {
        var spec = Spec(tickets: 2);
        var state = RunToTrainUnits(Submitted(spec));
        var unit = state.Queue.Open.Values.First(u => u.Item.Kind == WorkKind.Train);

        for (var giveBack = 1; giveBack < Rule.Total; giveBack++)
        {
            state = LeaseTo(state, A, unit.WorkId);
            var back = state.GiveBack(A, unit.WorkId, $"IOException: disk full ({giveBack})", Rule, T0);
            Assert.Equal(LeaseEndReason.Abandoned, Assert.IsType<LeaseEnded>(Assert.Single(back)).Reason);
            state = state.Fold(back);
            Assert.Contains(unit.WorkId, state.Queue.Pending.Values);
        }
        state = LeaseTo(state, A, unit.WorkId);
        var last = state.GiveBack(A, unit.WorkId, "IOException: disk full (3)", Rule, T0);
        state = state.Fold(last);

        var failed = Assert.Single(last.OfType<WorkFailed>());
        Assert.Equal((unit.WorkId, Rule.Total), (failed.WorkId, failed.GiveBacks));
        Assert.False(state.Queue.IsOpen(unit.WorkId));
        Assert.DoesNotContain(unit.WorkId, state.Queue.Pending.Values);
        var ticket = state.Searches[spec.SearchId].Ticket(unit.Item.Run!.Ticket.ToDomain());
        Assert.True(ticket.Failed);
        Assert.Contains("IOException: disk full (3)", ticket.FailureReason);
        // The other ticket runs to its end; the failed one does not hold the search open.
        state = CompleteEverything(state);
        Assert.True(state.Progress(spec.SearchId).Finished);
        Assert.Single(state.Searches[spec.SearchId].FailedTickets());
    }

    /// <summary>
    /// One broken node (a full disk, a failing cache) gives the same unit back again and again, each time its
    /// backoff is over: while other trainer nodes are present that never fails the unit; it fails only once
    /// <see cref="GiveBackRule.Nodes"/> different nodes gave it back. (Counted per unit, as before, the broken node
    /// alone failed it at its third give-back.)
    /// </summary>
    [Fact]
    public void One_node_giving_a_unit_back_again_and_again_never_fails_it_but_three_different_nodes_do()
    {
        var state = RunToTrainUnits(Submitted(Spec()));
        state = state.Fold([.. state.Register(A, 1, T0), .. state.Register(B, 1, T0), .. state.Register(C, 1, T0)]);
        var unit = state.Queue.Open.Values.First(u => u.Item.Kind == WorkKind.Train).WorkId;
        var now = T0;
        for (var giveBack = 0; giveBack < 2 * Rule.Total; giveBack++)
        {
            now = now.AddHours(1);
            state = LeaseTo(state, A, unit);
            var back = state.GiveBack(A, unit, "IOException: cache directory is read-only", Rule, now);
            Assert.Empty(back.OfType<WorkFailed>());
            state = state.Fold(back);
        }

        state = LeaseTo(state, B, unit);
        state = state.Fold(state.GiveBack(B, unit, "IOException", Rule, now));
        Assert.True(state.Queue.IsOpen(unit));
        state = LeaseTo(state, C, unit);
        var last = state.GiveBack(C, unit, "IOException: disk full", Rule, now);

        Assert.Equal(2 * Rule.Total + 2, Assert.Single(last.OfType<WorkFailed>()).GiveBacks);
    }

    /// <summary>
    /// A node that gave a unit back gets no lease on it during its backoff, while another node does; after the
    /// backoff it may take it again, and its next give-back keeps it away twice as long.
    /// </summary>
    [Fact]
    public void A_node_that_gave_a_unit_back_is_kept_away_from_it_for_a_doubling_backoff_and_others_get_it()
    {
        var state = Submitted(Spec());
        var init = Assert.Single(state.Queue.Open.Values).WorkId;
        state = LeaseTo(state, A, init);
        state = state.Fold(state.GiveBack(A, init, "IOException", Rule, T0));

        Assert.Empty(state.Request(A, 1, 0, T0 + Rule.Backoff / 2, LeaseTimeout, Rule));
        Assert.Equal(init, Assert.Single(state.Request(B, 1, 0, T0 + Rule.Backoff / 2, LeaseTimeout, Rule)).WorkId);
        var later = T0 + Rule.Backoff;
        state = state.Fold(state.Request(A, 1, 0, later, LeaseTimeout, Rule));
        Assert.Equal(A, state.Queue.Leases[init].Node);

        state = state.Fold(state.GiveBack(A, init, "IOException", Rule, later));
        Assert.Empty(state.Request(A, 1, 0, later + Rule.Backoff, LeaseTimeout, Rule));
        Assert.Single(state.Request(A, 1, 0, later + 2 * Rule.Backoff, LeaseTimeout, Rule));
    }

    [Fact]
    public void An_init_draw_that_fails_for_good_fails_every_ticket_of_its_width()
    {
        var spec = Spec(tickets: 2);
        var state = Submitted(spec);
        var init = Assert.Single(state.Queue.Open.Values);

        for (var giveBack = 0; giveBack < Rule.Total; giveBack++)
        {
            state = LeaseTo(state, A, init.WorkId);
            state = state.Fold(state.GiveBack(A, init.WorkId, "bug", Rule, T0));
        }

        Assert.Equal(2, state.Searches[spec.SearchId].FailedTickets().Count());
        // No ticket is left to finish, so the search's ensemble unit is queued at once: the search still ends.
        Assert.Equal(WorkKind.Ensemble, Assert.Single(state.Queue.Open.Values).Item.Kind);
        state = CompleteEverything(state);
        Assert.True(state.Progress(spec.SearchId).Finished);
    }

    [Fact]
    public void Expiries_lost_nodes_and_wrong_datasets_do_not_count_against_a_unit()
    {
        var state = Submitted(Spec());
        var init = Assert.Single(state.Queue.Open.Values).WorkId;
        for (var round = 0; round < Rule.Total; round++)
        {
            state = LeaseTo(state, A, init);
            state = state.Fold(state.Queue.Expire(T0.AddHours(1)));
            state = LeaseTo(state, A, init);
            state = state.Fold(state.Queue.EndLeasesOf(A, LeaseEndReason.NodeLeft, T0));
        }
        state = LeaseTo(state, B, init);
        state = state.Fold(state.Queue.WrongDataset(B, init, T0));

        Assert.Empty(state.Queue.GiveBacks);
        state = LeaseTo(state, A, init);
        Assert.Single(state.GiveBack(A, init, "first real give-back", Rule, T0));
    }

    [Fact]
    public void A_give_back_from_a_node_that_no_longer_holds_the_lease_changes_nothing()
    {
        var state = Submitted(Spec());
        var init = Assert.Single(state.Queue.Open.Values).WorkId;
        state = LeaseTo(state, A, init);
        state = state.Fold(state.Queue.Expire(T0.AddHours(1)));
        state = LeaseTo(state, B, init);

        Assert.Empty(state.GiveBack(A, init, "late", Rule, T0));
        Assert.Empty(state.Queue.WrongDataset(A, init, T0));
    }

    [Fact]
    public void A_node_with_another_dataset_gets_no_more_of_that_searchs_units_but_still_gets_other_searches()
    {
        var one = Spec(seed: 1, tickets: 2);
        var two = Spec(seed: 2, tickets: 2);
        var state = RunToTrainUnits(Submitted(one).Fold(Submitted(one).Submit(two, T0)));
        var lease = state.Queue.Lease(B, 1, T0, LeaseTimeout).Single();
        var search = state.Queue.Open[lease.WorkId].SearchId;
        state = state.Apply(lease);

        state = state.Fold(state.Queue.WrongDataset(B, lease.WorkId, T0));

        var later = state.Queue.Lease(B, 10, T0, LeaseTimeout);
        Assert.NotEmpty(later);
        Assert.All(later, l => Assert.NotEqual(search, state.Queue.Open[l.WorkId].SearchId));
        Assert.Contains(state.Queue.Lease(A, 10, T0, LeaseTimeout), l => l.WorkId == lease.WorkId);
    }

    [Fact]
    public void The_first_result_records_the_dataset_and_a_result_from_another_dataset_is_refused()
    {
        var spec = Spec() with { Model = Spec().Model with { Widths = [0.25, 0.5] } };
        var state = Submitted(spec);
        var inits = state.Queue.Open.Values.OrderBy(u => u.Order).ToList();
        var (onA, onB) = (inits[0], inits[1]);
        state = LeaseTo(LeaseTo(state, A, onA.WorkId), B, onB.WorkId);
        state = state.Fold(state.Complete(A, onA.WorkId, Output(onA.Item), T0, datasetFingerprint: "data-a"));
        Assert.Equal("data-a", state.Searches[spec.SearchId].DatasetFingerprint);

        var refused = state.Complete(B, onB.WorkId, Output(onB.Item), T0, datasetFingerprint: "data-b");

        var ended = Assert.IsType<LeaseEnded>(Assert.Single(refused));
        Assert.Equal((B, LeaseEndReason.WrongDataset), (ended.Node, ended.Reason));
        state = state.Fold(refused);
        Assert.True(state.Queue.IsOpen(onB.WorkId));
        Assert.Contains((B, spec.SearchId), state.Queue.WrongData);
        Assert.Empty(state.Queue.Lease(B, 1, T0, LeaseTimeout));
    }

    /// <summary>Makes sure <paramref name="workId"/> is the unit leased to <paramref name="node"/>.</summary>
    private static CoordinatorState LeaseTo(CoordinatorState state, string node, string workId)
    {
        var lease = new WorkLeased(workId, node, T0 + LeaseTimeout, T0);
        Assert.Contains(workId, state.Queue.Pending.Values);
        return state.Apply(lease);
    }

    private static CoordinatorState CompleteEverything(CoordinatorState state)
    {
        while (state.Queue.Pending.Count > 0)
        {
            var unit = state.Queue.Open[state.Queue.Pending.Values.First()];
            state = state.CompletedBy(A, unit.WorkId);
        }
        return state;
    }
}
