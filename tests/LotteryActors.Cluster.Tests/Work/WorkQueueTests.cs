using LotteryActors.Actors.Ensembles;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>The coordinator's decisions as pure functions of its folded journal: no actor system.</summary>
public sealed class WorkQueueTests
{
    private const string A = "node-a";
    private const string B = "node-b";

    [Fact]
    public void A_submitted_spec_queues_one_init_per_width_and_a_second_submission_changes_nothing()
    {
        var spec = Spec() with { Model = Spec().Model with { Widths = [0.25, 0.5] } };
        var events = CoordinatorState.Empty.Submit(spec, T0);
        var state = CoordinatorState.Empty.Fold(events);

        Assert.Equal(2, events.OfType<WorkQueued>().Count());
        Assert.All(events.OfType<WorkQueued>(), q => Assert.Equal(WorkKind.Init, q.Item.Kind));
        Assert.Empty(state.Submit(spec, T0.AddMinutes(1)));
    }

    [Fact]
    public void A_trainer_is_journaled_when_new_resized_or_back_and_as_gone_once_it_is_no_member()
    {
        var state = CoordinatorState.Empty.Fold(CoordinatorState.Empty.Register(A, 2, T0));
        Assert.Equal((2, true), (state.Trainers[A].Slots, state.Trainers[A].Present));
        // Its periodic requests journal nothing; another slot count does.
        Assert.Empty(state.Register(A, 2, T0.AddSeconds(5)));
        state = state.Fold([Assert.Single(state.Register(A, 3, T0.AddSeconds(10))), .. state.Register(B, 1, T0)]);
        Assert.Equal(3, state.Trainers[A].Slots);

        Assert.Empty(state.Gone(new HashSet<string> { A, B }, T0.AddMinutes(1)));
        var gone = Assert.Single(state.Gone(new HashSet<string> { A }, T0.AddMinutes(1)));
        Assert.Equal(B, gone.Node);
        state = state.Apply(gone);
        Assert.Equal(T0.AddMinutes(1), state.Trainers[B].LeftAt);
        Assert.Empty(state.Gone(new HashSet<string> { A }, T0.AddMinutes(2)));
        Assert.Single(state.Register(B, 1, T0.AddMinutes(3)));
    }

    [Fact]
    public void An_expired_lease_puts_its_unit_back_in_front_and_another_node_gets_it()
    {
        var state = Submitted(Spec());
        var lease = Assert.Single(state.Request(A, 1, 0, T0, LeaseTimeout));
        state = state.Apply(lease);

        Assert.Empty(state.Queue.Expire(T0 + LeaseTimeout));
        var expired = Assert.Single(state.Queue.Expire(T0 + LeaseTimeout + TimeSpan.FromSeconds(1)));
        Assert.Equal((lease.WorkId, A, LeaseEndReason.Expired), (expired.WorkId, expired.Node, expired.Reason));
        state = state.Apply(expired);

        var again = Assert.Single(state.Request(B, 1, 0, T0.AddMinutes(1), LeaseTimeout));
        Assert.Equal(lease.WorkId, again.WorkId);
    }

    [Fact]
    public void A_renewed_lease_does_not_expire_and_a_late_renewal_cannot_take_back_a_reassigned_unit()
    {
        var state = Submitted(Spec());
        var lease = Assert.Single(state.Request(A, 1, 0, T0, LeaseTimeout));
        state = state.Apply(lease);
        state = state.Fold(state.Queue.Renew(A, [lease.WorkId], T0.AddSeconds(20), LeaseTimeout));
        Assert.Empty(state.Queue.Expire(T0.AddSeconds(40)));

        state = state.Fold(state.Queue.Expire(T0.AddSeconds(60)));
        state = state.Fold(state.Request(B, 1, 0, T0.AddSeconds(61), LeaseTimeout));
        Assert.Empty(state.Queue.Renew(A, [lease.WorkId], T0.AddSeconds(62), LeaseTimeout));
        Assert.Equal(B, state.Queue.Leases[lease.WorkId].Node);
    }

    [Fact]
    public void At_a_take_over_only_the_leases_of_nodes_that_are_no_members_any_more_end()
    {
        var state = RunToTrainUnits(Submitted(Spec(tickets: 2)));
        state = state.Fold([.. state.Request(A, 1, 0, T0, LeaseTimeout), .. state.Request(B, 1, 0, T0, LeaseTimeout)]);

        var ended = Assert.Single(state.Queue.Orphaned(new HashSet<string> { A }, T0.AddMinutes(1)));

        Assert.Equal((B, LeaseEndReason.NodeLeft), (ended.Node, ended.Reason));
        Assert.Contains(ended.WorkId, state.Apply(ended).Queue.Pending.Values);
    }

    /// <summary>
    /// A result counts only from the node holding the unit's lease: another node's (a misrouted or stale sender)
    /// and the former holder's, once its lease expired and the unit waits again, are ignored; the holder's counts.
    /// </summary>
    [Fact]
    public void A_result_from_a_node_that_does_not_hold_the_units_lease_is_ignored_and_the_holders_counts()
    {
        var state = Submitted(Spec());
        var lease = Assert.Single(state.Request(A, 1, 0, T0, LeaseTimeout));
        state = state.Apply(lease);
        var output = Output(state.Queue.Open[lease.WorkId].Item);

        Assert.Empty(state.Complete(B, lease.WorkId, output, T0.AddSeconds(5)));
        Assert.True(state.FromAnotherNode(B, lease.WorkId));
        var expired = state.Fold(state.Queue.Expire(T0.AddHours(1)));
        Assert.Empty(expired.Complete(A, lease.WorkId, output, T0.AddHours(1)));

        var completed = Assert.IsType<WorkCompleted>(state.Complete(A, lease.WorkId, output, T0.AddSeconds(6))[0]);
        Assert.Equal(A, completed.Node);
    }

    [Fact]
    public void A_result_delivered_twice_by_a_slow_node_and_its_replacement_is_journaled_once()
    {
        var state = Submitted(Spec());
        var lease = Assert.Single(state.Request(A, 1, 0, T0, LeaseTimeout));
        state = state.Apply(lease);
        state = state.Fold(state.Queue.Expire(T0.AddMinutes(5)));
        state = state.Fold(state.Request(B, 1, 0, T0.AddMinutes(5), LeaseTimeout));
        var item = state.Queue.Open[lease.WorkId].Item;

        var first = state.Complete(B, lease.WorkId, Output(item), T0.AddMinutes(6));
        state = state.Fold(first);
        var second = state.Complete(A, lease.WorkId, Output(item), T0.AddMinutes(7));

        Assert.IsType<WorkCompleted>(first[0]);
        Assert.Empty(second);
        Assert.Empty(state.Queue.Leases);
        Assert.Single(state.Searches.Values.Single().Inits);
    }

    [Fact]
    public void A_node_that_leaves_loses_only_its_own_leases()
    {
        var state = RunToTrainUnits(Submitted(Spec(tickets: 3)));
        state = state.Fold(state.Request(A, 2, 0, T0, LeaseTimeout));
        state = state.Fold(state.Request(B, 1, 0, T0, LeaseTimeout));

        var gone = state.Queue.EndLeasesOf(A, LeaseEndReason.NodeLeft, T0.AddSeconds(5));

        Assert.Equal(2, gone.Count);
        Assert.All(gone, g => Assert.Equal(LeaseEndReason.NodeLeft, g.Reason));
        state = state.Fold(gone);
        Assert.Equal(B, Assert.Single(state.Queue.Leases).Value.Node);
        Assert.Equal(2, state.Queue.Pending.Count);
    }

    [Fact]
    public void A_repeated_request_never_leases_more_units_than_the_node_has_slots()
    {
        var state = RunToTrainUnits(Submitted(Spec(tickets: 4)));
        state = state.Fold(state.Request(A, 2, 0, T0, LeaseTimeout));
        // The periodic re-registration arrives before the node has seen its offers: it still says 0 busy.
        Assert.Empty(state.Request(A, 2, 0, T0.AddSeconds(1), LeaseTimeout));
        Assert.Equal(2, state.Queue.LeasesOf(A));
    }

    [Fact]
    public void Two_searches_share_the_slots_least_served_first()
    {
        var state = RunToTrainUnits(Submitted(Spec(seed: 1, tickets: 3)));
        state = RunToTrainUnits(state.Fold(state.Submit(Spec(seed: 2, tickets: 3), T0)));
        var first = Spec(seed: 1, tickets: 3).SearchId;

        // The first search queued all its units earlier, yet every pair of leases takes one from each search.
        var leases = state.Request(A, 4, 0, T0, LeaseTimeout);
        var searches = leases.Select(l => state.Queue.Open[l.WorkId].SearchId).ToList();

        Assert.Equal(4, leases.Count);
        Assert.Equal(2, searches.Count(s => s == first));
        Assert.NotEqual(searches[0], searches[1]);
        Assert.NotEqual(searches[2], searches[3]);
    }

    [Fact]
    public void Searches_of_priorities_3_and_1_share_the_slots_three_to_one_on_one_node_and_across_two()
    {
        // The search at the default is submitted first, so its units waited longest: an equal share would give it
        // two of four slots, and every tie.
        var low = Spec(seed: 1, tickets: 4);
        var high = Spec(seed: 2, tickets: 8);
        var state = CoordinatorState.Empty.Fold(CoordinatorState.Empty.Submit(low, T0));
        state = RunToTrainUnits(state.Fold(state.Submit(high, T0, priority: 3)));
        int RunningOf(SearchSpec spec) => state.Queue.Leases.Keys.Count(id => state.Queue.Open[id].SearchId ==
                                                                            spec.SearchId);
        (int High, int Low) Running() => (RunningOf(high), RunningOf(low));

        state = state.Fold(state.Request(A, 4, 0, T0, LeaseTimeout));
        Assert.Equal((3, 1), Running());
        // A second node's slots go by the units running on both: 8 slots, 6 and 2.
        state = state.Fold(state.Request(B, 4, 0, T0, LeaseTimeout));
        Assert.Equal((6, 2), Running());
    }

    [Fact]
    public void A_search_submitted_again_keeps_the_priority_it_was_first_given()
    {
        var state = CoordinatorState.Empty.Fold(CoordinatorState.Empty.Submit(Spec(), T0, priority: 3));
        Assert.Empty(state.Submit(Spec(), T0.AddMinutes(1), priority: 7));
        state = state.Fold(state.Cancel(Spec().SearchId, T0.AddMinutes(2)));
        state = state.Fold(state.Submit(Spec(), T0.AddMinutes(3), priority: 7));

        Assert.Equal(3, state.PriorityOf(Spec().SearchId));
    }

    [Fact]
    public void A_fast_and_a_slow_node_are_both_kept_busy_until_the_search_is_done()
    {
        var spec = Spec(tickets: 4);
        var state = Submitted(spec);
        var now = T0;
        var slowUnit = (string?)null;
        var slowHeldFor = 0;
        var fastRuns = 0;
        while (!state.Progress(spec.SearchId).Finished)
        {
            // Bounded: a search that never finishes (say, its ensemble unit never queued) fails instead of hanging.
            Assert.True(now < T0.AddHours(1), "the search did not finish in an hour of steps");
            now = now.AddSeconds(1);
            // The fast node finishes a unit every step; the slow one needs five steps for each.
            state = state.Fold(state.Request(A, 1, 0, now, LeaseTimeout));
            state = state.Fold(state.Request(B, 1, 0, now, LeaseTimeout));
            var pendingBefore = state.Queue.Pending.Count;
            Assert.True(pendingBefore == 0 || state.Queue.LeasesOf(A) == 1 && state.Queue.LeasesOf(B) == 1,
                "a unit waited while a node had a free slot");
            if (state.Queue.Leases.FirstOrDefault(l => l.Value.Node == A).Key is { } fast)
            {
                state = state.Fold(state.Complete(A, fast, Output(state.Queue.Open[fast].Item), now));
                fastRuns++;
            }
            slowUnit ??= state.Queue.Leases.FirstOrDefault(l => l.Value.Node == B).Key;
            if (slowUnit is not null && ++slowHeldFor == 5)
            {
                state = state.Fold(state.Complete(B, slowUnit, Output(state.Queue.Open[slowUnit].Item), now));
                (slowUnit, slowHeldFor) = (null, 0);
            }
            state = state.Fold(state.Queue.RenewAll(now, LeaseTimeout));
        }

        var (done, total, _) = state.Progress(spec.SearchId);
        Assert.Equal(total, done);
        Assert.InRange(fastRuns, total / 2, total);
        Assert.True(state.Queue.Done.Count > fastRuns, "the slow node completed units too");
        Assert.All(state.Searches[spec.SearchId].Tickets.Values, t => Assert.True(t.Finished));
    }

    [Fact]
    public void Once_every_ticket_is_done_one_ensemble_unit_is_queued_and_its_report_completes_the_search_once()
    {
        var spec = Spec(tickets: 2);
        var journal = CoordinatorState.Empty.Submit(spec, T0).ToList();
        var state = CoordinatorState.Empty.Fold(journal);
        while (state.Queue.Pending.Count > 0)
        {
            Assert.False(state.Progress(spec.SearchId).Finished);
            var lease = Assert.Single(state.Request(A, 1, 0, T0, LeaseTimeout));
            state = state.Fold([lease]);
            var item = state.Queue.Open[lease.WorkId].Item;
            var completed = state.Complete(A, lease.WorkId, Output(item), T0);
            journal.AddRange(completed);
            state = state.Fold(completed);
            // A second delivery of the ensembles (a slow node whose lease was reassigned) is not journaled.
            Assert.Empty(state.Complete(B, lease.WorkId, Output(item), T0));
        }

        var search = state.Searches[spec.SearchId];
        var ensembles = Assert.Single(journal.OfType<WorkQueued>(), q => q.Item.Kind == WorkKind.Ensemble);
        Assert.Single(journal.OfType<WorkCompleted>(), c => c.WorkId == ensembles.WorkId);
        Assert.True(search.Completed);
        Assert.True(state.Progress(spec.SearchId).Finished);
        // Planned from the fold by the single-node search's own planner: every level of the finished tickets.
        Assert.Equal(EnsembleEvaluation.Plan(spec, search.FinishedTicketRuns()), ensembles.Item.Ensembles!,
            new LevelComparer());
        Assert.Equal(ensembles.Item.Ensembles!.Count, search.Ensemble!.Levels.Count);
        Assert.Empty(state.EnsemblesDue(T0));
    }

    [Fact]
    public void A_journal_whose_tickets_finished_before_ensembles_were_units_gets_its_ensemble_unit_on_recovery()
    {
        var spec = Spec(tickets: 2);
        var state = Submitted(spec);
        while (state.Queue.Pending.Count > 0)
        {
            var lease = Assert.Single(state.Request(A, 1, 0, T0, LeaseTimeout));
            state = state.Fold([lease]);
            // The journal of an older coordinator: results, but no ensemble unit.
            state = state.Fold(state.Complete(A, lease.WorkId, Output(state.Queue.Open[lease.WorkId].Item), T0)
                .Where(e => e is not WorkQueued { Item.Kind: WorkKind.Ensemble }));
        }
        Assert.False(state.Searches[spec.SearchId].Completed);

        var due = Assert.Single(state.EnsemblesDue(T0));

        Assert.Equal(WorkKind.Ensemble, due.Item.Kind);
        Assert.Empty(state.Fold([due]).EnsemblesDue(T0));
    }

    /// <summary>Planned levels are equal when their numbers and member hashes are (lists compare by reference).
    /// </summary>
    private sealed class LevelComparer : IEqualityComparer<EnsembleMembers>
    {
        private static readonly IReadOnlyList<string> NoHashes = [];

        public bool Equals(EnsembleMembers? x, EnsembleMembers? y) =>
            x! with { WeightsHashes = NoHashes } == y! with { WeightsHashes = NoHashes }
            && x.WeightsHashes.SequenceEqual(y.WeightsHashes);

        public int GetHashCode(EnsembleMembers level) => level.Round;
    }
}
