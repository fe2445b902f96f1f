using System.Collections.Concurrent;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Ensembles;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Coordinator;

/// <summary>
/// Several real nodes in one process (their own ActorSystems on 127.0.0.1, port 0) around the singleton coordinator
/// on a real PostgreSQL journal, training the synthetic dataset for real.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class ClusterSearchTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [PostgresFact]
    public async Task An_unrenewed_lease_expires_and_its_unit_runs_on_another_node_and_a_late_result_is_dropped()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        var spec = Hand.Spec(seed: 11);
        // A node that takes a unit and then goes silent without leaving the cluster (a hung process).
        var (silent, output) = await SubmitAndLeaseTheInit(lab, coordinator, spec, "silent");

        await lab.Start("trainer", slots: 2);
        await lab.Finished(coordinator, spec);
        // The silent node wakes up and delivers the same (deterministic) output late: acknowledged, not journaled.
        var ack = await coordinator.Coordinator.Ask<WorkAcknowledged>(output, Lab.Patience);

        var journal = lab.Journal();
        Assert.Equal(silent.WorkId, ack.WorkId);
        Assert.Contains(journal.OfType<LeaseEnded>(),
            e => e.WorkId == silent.WorkId && e.Node == "silent" && e.Reason == LeaseEndReason.Expired);
        var completed = Assert.Single(journal.OfType<WorkCompleted>(), c => c.WorkId == silent.WorkId);
        Assert.NotEqual("silent", completed.Node);
        EveryUnitCompletedOnce(lab, journal, spec);
    }

    /// <summary>
    /// A node the cluster removes loses its leases at once, not at their deadline, which here is an hour away. The
    /// lease is taken in the name of a live member that trains nothing (a second coordinator node), which then
    /// leaves: only its removal can end the lease.
    /// </summary>
    [PostgresFact]
    public async Task A_removed_nodes_leases_end_at_its_removal_long_before_their_deadline()
    {
        await using var lab = new Lab(postgres.Server, Lab.Timing with { LeaseTimeout = TimeSpan.FromHours(1) });
        var coordinator = await lab.Start("coordinator");
        var leaving = await lab.Start("coordinator");
        var (offer, _) = await SubmitAndLeaseTheInit(lab, coordinator, Hand.Spec(seed: 13), leaving.Id);

        await leaving.DisposeAsync();

        var ended = Assert.Single((await JournalWhen(lab, j => j.OfType<LeaseEnded>().Any())).OfType<LeaseEnded>());
        Assert.Equal((offer.WorkId, leaving.Id, LeaseEndReason.NodeLeft), (ended.WorkId, ended.Node, ended.Reason));
    }

    [PostgresFact]
    public async Task A_result_delivered_twice_by_its_node_is_journaled_once_and_acknowledged_twice()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        var spec = Hand.Spec(seed: 12);
        var (_, done) = await SubmitAndLeaseTheInit(lab, coordinator, spec, "retrying");

        // The first acknowledgement was "lost": the node sends the same result again.
        await coordinator.Coordinator.Ask<WorkAcknowledged>(done, Lab.Patience);
        await coordinator.Coordinator.Ask<WorkAcknowledged>(done, Lab.Patience);

        var journal = lab.Journal();
        Assert.Single(journal.OfType<WorkCompleted>());
        Assert.Equal(spec.TicketsPerWidth, journal.OfType<WorkQueued>().Count(q => q.Item.Kind == WorkKind.Train));
    }

    [PostgresFact]
    public async Task A_spec_submitted_twice_is_registered_once_and_the_second_answer_says_so()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        var spec = Hand.Spec(seed: 15);

        // Two clients at once (or one re-sending after a lost answer): the coordinator takes them one at a time.
        var answers = await Task.WhenAll(lab.Submit(coordinator, spec), lab.Submit(coordinator, spec));

        Assert.Equal([false, true], answers.Select(a => a.AlreadyKnown).Order());
        Assert.All(answers, a => Assert.Equal(spec.SearchId, a.SearchId));
        var journal = lab.Journal();
        Assert.Single(journal.OfType<SearchSubmitted>());
        Assert.Equal(spec.Model.Widths.Count, journal.OfType<WorkQueued>().Count());
    }

    [PostgresFact]
    public async Task A_trainer_of_another_protocol_version_gets_no_work_and_the_search_completes_without_it()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        // An older release does not check versions on joining; it asks for work every pull interval.
        var older = await lab.Start("trainer", appVersion: "1.0.0");
        var spec = Hand.Spec(seed: 16);
        await lab.Submit(coordinator, spec);
        await Task.Delay(Lab.Timing.PullEvery * 3);
        Assert.Empty(lab.Journal().OfType<WorkLeased>());

        await lab.Start("trainer");
        await lab.Finished(coordinator, spec);

        var journal = lab.Journal();
        Assert.DoesNotContain(journal.OfType<WorkLeased>(), l => l.Node == older.Id);
        EveryUnitCompletedOnce(lab, journal, spec);
    }

    [PostgresFact]
    public async Task When_the_coordinators_node_dies_the_singleton_recovers_on_the_next_and_the_search_completes()
    {
        await using var lab = new Lab(postgres.Server);
        var first = await lab.Start("coordinator", crashes: true);
        await lab.Start("coordinator");
        var trainer = await lab.Start("trainer", slots: 2);
        var spec = Hand.Spec(seed: 13, tickets: 3);
        await lab.Submit(trainer, spec);
        await WaitForCompleted(lab, count: 4);

        await lab.Crash(first);
        var progress = await lab.Finished(trainer, spec);

        var journal = lab.Journal();
        Assert.Equal(progress.Total, progress.Done);
        EveryUnitCompletedOnce(lab, journal, spec);
        // The successor recovered the open leases and renewed them, in memory: no renewal is journaled. It did not
        // start the search over.
        Assert.Single(journal.OfType<SearchSubmitted>());
        Assert.Empty(journal.OfType<LeasesRenewed>());
    }

    [PostgresFact]
    public async Task A_successor_recovers_from_the_newest_snapshot_and_the_events_after_it_as_from_the_whole_journal()
    {
        await using var lab = new Lab(postgres.Server);
        var first = await lab.Start("coordinator", crashes: true, snapshotEvery: 5);
        await lab.Start("coordinator", snapshotEvery: 5);
        var trainer = await lab.Start("trainer", slots: 2);
        var spec = Hand.Spec(seed: 14, tickets: 3);
        await lab.Submit(trainer, spec);
        await WaitForCompleted(lab, count: 4);
        var before = CoordinatorJournal.NewestSnapshot(lab.ConnectionString);
        Assert.True(before is not null, "no snapshot was saved before the crash");

        await lab.Crash(first);
        var progress = await lab.Finished(trainer, spec);

        var journal = lab.Journal();
        Assert.Equal(progress.Total, progress.Done);
        EveryUnitCompletedOnce(lab, journal, spec);
        // The successor started from a snapshot (the one saved before the crash, or a newer one), and what the
        // store holds now recovers to the state of the whole journal, as the cluster's coordinator folds it: the
        // search, finished, forgotten.
        var (at, snapshot) = CoordinatorJournal.NewestSnapshot(lab.ConnectionString)!.Value;
        Assert.True(at >= before.Value.SequenceNr);
        SameState.Equal(CoordinatorState.Bounded.Fold(journal),
            (snapshot.ToState() with { ForgetsFinished = true })
            .Fold(CoordinatorJournal.Events(lab.ConnectionString, after: at)), "stored snapshot");
    }

    [PostgresFact]
    public async Task Two_searches_share_one_trainers_slots_fairly()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        var (one, two) = (Hand.Spec(seed: 21, tickets: 3), Hand.Spec(seed: 22, tickets: 3));
        await lab.Submit(coordinator, one);
        await lab.Submit(coordinator, two);

        await lab.Start("trainer", slots: 2);
        await lab.Finished(coordinator, one);
        await lab.Finished(coordinator, two);

        var journal = lab.Journal();
        EveryUnitCompletedOnce(lab, journal, one);
        EveryUnitCompletedOnce(lab, journal, two);
        // A reader of the journal (status, compare) lists both and reads each as the coordinator folded it.
        await using (var searches = new JournaledSearches(lab.Runtime()))
        {
            Assert.Equal(new[] { one.SearchId, two.SearchId }.Order(StringComparer.Ordinal),
                await searches.SearchIdsAsync());
            var read = await searches.ReadStartedAsync(one.SearchId);
            Assert.True(read.Completed);
            Assert.False(searches.RunsInCluster(read));
            Assert.Equal(CoordinatorState.Empty.Fold(journal).Searches[one.SearchId].Ensemble!.Levels,
                read.Ensemble!.Levels);
        }
        // Replays the journal: every lease made while both searches had units waiting went to the search with
        // no more units leased at that moment than the other (least served first). Counting leases from the start
        // instead depends on timing: a search waiting for its init draw has nothing to lease, so the other runs
        // ahead without any unfair decision.
        var queue = WorkQueue.Empty;
        var contested = 0;
        foreach (var e in journal.OfType<IClusterEvent>())
        {
            if (e is WorkLeased lease)
            {
                var waiting = queue.Pending.Values.Select(id => queue.Open[id].SearchId).ToHashSet();
                if (waiting.Contains(one.SearchId) && waiting.Contains(two.SearchId))
                {
                    contested++;
                    var leased = queue.Leases.Keys.Select(id => queue.Open[id].SearchId).ToList();
                    var chosen = queue.Open[lease.WorkId].SearchId;
                    var other = chosen == one.SearchId ? two.SearchId : one.SearchId;
                    Assert.True(leased.Count(s => s == chosen) <= leased.Count(s => s == other),
                        $"{lease.WorkId} went to the search with more units leased");
                }
            }
            queue = queue.Apply(e);
        }
        Assert.True(contested > 0, "the two searches never waited at the same time");
    }

    [PostgresFact]
    public async Task A_trainer_with_another_copy_of_the_dataset_refuses_the_work_and_gets_none_of_that_search_again()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        var spec = Hand.Spec(seed: 14, tickets: 3);
        // The init draw, delivered from the lab's data, records the search's dataset and queues the first runs.
        var (_, done) = await SubmitAndLeaseTheInit(lab, coordinator, spec, "drawer");
        var recorded = lab.Runner(spec).Data.Fingerprint;
        await coordinator.Coordinator.Ask<WorkAcknowledged>(done with { DatasetFingerprint = recorded }, Lab.Patience);

        // The only trainer for now has its own copy of the data, which differs: it is offered a run and refuses it.
        using var otherData = SyntheticData.Splits(seed: 12);
        var stranger = await lab.Start("trainer", runners: s => new Training.Imp.ImpRunner(s, otherData, lab.Store));
        await JournalWhen(lab, j => j.OfType<LeaseEnded>().Any(e => e.Reason == LeaseEndReason.WrongDataset));
        await lab.Start("trainer");
        await lab.Finished(coordinator, spec);

        var journal = lab.Journal();
        Assert.NotEqual(recorded, otherData.Fingerprint);
        var refused = Assert.Single(journal.OfType<LeaseEnded>(), e => e.Node == stranger.Id);
        Assert.Equal(LeaseEndReason.WrongDataset, refused.Reason);
        // Leased to it once (one slot), never again, and nothing of it journaled; the unit cost nothing.
        Assert.Equal(refused.WorkId, Assert.Single(journal.OfType<WorkLeased>(), l => l.Node == stranger.Id).WorkId);
        Assert.DoesNotContain(journal.OfType<WorkCompleted>(), c => c.Node == stranger.Id);
        Assert.Empty(journal.OfType<WorkFailed>());
        Assert.All(journal.OfType<WorkCompleted>(), c => Assert.Equal(recorded, c.DatasetFingerprint));
        EveryUnitCompletedOnce(lab, journal, spec);
    }

    [PostgresFact]
    public async Task Trainers_are_journaled_once_with_their_slots_and_as_gone_once_they_are_no_members()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        var two = await lab.Start("trainer", slots: 2);
        var one = await lab.Start("trainer", slots: 1);
        var spec = Hand.Spec(seed: 31, tickets: 3);
        await lab.Submit(coordinator, spec);
        await lab.Finished(coordinator, spec);

        // A graceful leave is heard as the member's removal.
        await one.DisposeAsync();
        // A node that asks for work but is no member (as one removed while no coordinator was there to hear it) is
        // recorded as gone at the next lease check. The search is done, so it is leased nothing.
        coordinator.Coordinator.Tell(new WorkRequested("ghost", 3, 0));
        var journal = await JournalWhen(lab, j => j.OfType<TrainerLeft>().Count() == 2);

        // Once each, although every trainer asked for work every second.
        Assert.Equal(new[] { (two.Id, 2), (one.Id, 1), ("ghost", 3) }.Order(),
            journal.OfType<TrainerRegistered>().Select(r => (r.Node, r.Slots)).Order());
        Assert.Equal(new[] { one.Id, "ghost" }.Order(), journal.OfType<TrainerLeft>().Select(l => l.Node).Order());
        Assert.All(journal.OfType<WorkLeased>(), l => Assert.Contains(l.Node, new[] { two.Id, one.Id }));
        // The fold the dashboard reads: the nodes, their slots, who is gone.
        var trainers = journal.Aggregate(CoordinatorState.Empty, (s, e) => s.Apply(e)).Trainers;
        Assert.Equal((2, true), (trainers[two.Id].Slots, trainers[two.Id].Present));
        Assert.Equal((1, false), (trainers[one.Id].Slots, trainers[one.Id].Present));
        Assert.False(trainers["ghost"].Present);
    }

    [PostgresFact]
    public async Task A_running_units_iterations_and_rate_reach_the_searchs_progress_with_its_nodes_renewal()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        await lab.Start("trainer");
        // Runs long enough that a renewal (every second here) falls inside one, even on a loaded machine.
        const int iterations = 20_000;
        var spec = Hand.Spec(seed: 41, tickets: 1) with
        {
            Training = Hand.Spec().Training with
            {
                Duration = new Duration(iterations, DurationUnit.Iterations),
                EvalInterval = new Duration(iterations / 10, DurationUnit.Iterations),
            },
        };
        await lab.Submit(coordinator, spec);

        var deadline = DateTime.UtcNow + Lab.Patience;
        TrainingProgress? seen = null;
        while (seen is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no progress reached the client in {Lab.Patience}");
            var progress = await coordinator.Coordinator.Ask<SearchProgress>(new ProgressRequested(spec.SearchId),
                Lab.Patience);
            Assert.False(progress.Finished, "the search finished before a renewal reported its progress");
            seen = progress.Running.Select(r => r.Progress).FirstOrDefault(p => p is { Iteration: > 0 });
            // Only a training run reports progress, and only its own.
            Assert.All(progress.Running.Where(r => r.Progress is not null),
                r => Assert.Equal(WorkKind.Train, r.Item.Kind));
            await Task.Delay(200);
        }

        Assert.Equal(iterations, seen.TotalIterations);
        Assert.InRange(seen.Iteration, 1, iterations - 1);
        Assert.True(seen.ExamplesPerSecond > 0, $"examples/s {seen.ExamplesPerSecond}");
    }

    /// <summary>
    /// Submits the spec, takes its init draw as <paramref name="node"/> (the test plays that node) and computes its
    /// real output, as that node would deliver it.
    /// </summary>
    private static async Task<(WorkOffered Offer, WorkDone Output)> SubmitAndLeaseTheInit(
        Lab lab, ClusterNode coordinator, SearchSpec spec, string node)
    {
        await lab.Submit(coordinator, spec);
        var offer = await coordinator.Coordinator.Ask<WorkOffered>(new WorkRequested(node, 1, 0), Lab.Patience);
        var runner = lab.Runner(spec);
        var init = runner.DrawInit(offer.Item.WidthIndex);
        return (offer, new WorkDone(node, offer.WorkId, WorkOutput.Drawn(init, runner.DenseMask(init))));
    }

    private static async Task<IReadOnlyList<IClusterEvent>> JournalWhen(Lab lab,
        Func<IReadOnlyList<IClusterEvent>, bool> holds)
    {
        var deadline = DateTime.UtcNow + Lab.Patience;
        while (!holds(lab.Journal()))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the journal did not get there in {Lab.Patience}");
            await Task.Delay(200);
        }
        return lab.Journal();
    }

    private static Task WaitForCompleted(Lab lab, int count) =>
        JournalWhen(lab, journal => journal.OfType<WorkCompleted>().Count() >= count);

    /// <summary>
    /// Every unit the search queued was journaled as done exactly once, and none failed: each width's init, each
    /// run, and the search's one ensemble unit, whose report (evaluated on a trainer node) is what evaluating the
    /// folded search's plan here gives, and completes the search.
    /// </summary>
    [PostgresFact]
    public async Task Stacked_trainer_nodes_give_each_run_the_bits_the_stacked_engine_gives_it_wherever_its_companions_ran()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        await lab.Start("trainer", stackSize: 2);
        await lab.Start("trainer", stackSize: 2);
        var spec = Hand.Spec(seed: 31, tickets: 4);

        await lab.Submit(coordinator, spec);
        await lab.Finished(coordinator, spec);

        var journal = lab.Journal();
        EveryUnitCompletedOnce(lab, journal, spec, stackSize: 2);
        var trained = journal.OfType<WorkCompleted>().Where(c => c.Output.Run is not null).ToList();
        // Each node leases a slot and a stack (3 units), so the 4 first runs were split between the two nodes.
        Assert.Equal(2, trained.Select(c => c.Node).Distinct().Count());
        var again = new StackedEngine(lab.Runner(spec), 2)
            .TrainAll(trained.Select(c => c.Output.Run!.Unit.ToDomain()).ToList());
        Assert.Equal(again.Select(o => JsonSerializer.Serialize(o.Result)),
            trained.Select(c => JsonSerializer.Serialize(c.Output.Run)));
    }

    [PostgresFact]
    public async Task A_search_trained_on_nodes_set_up_differently_journals_each_runs_setup_and_says_so_once()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        var warnings = new ConcurrentQueue<string>();
        coordinator.System.EventStream.Subscribe(
            coordinator.System.ActorOf(Props.Create(() => new WarningCollector(warnings))), typeof(Warning));
        await lab.Start("trainer");
        await lab.Start("trainer", stackSize: 2);
        var spec = Hand.Spec(seed: 37, tickets: 4);

        await lab.Submit(coordinator, spec);
        await lab.Finished(coordinator, spec);

        var journal = lab.Journal();
        var setups = journal.OfType<WorkCompleted>().Where(c => c.Output.Run is not null)
            .Select(c => $"{c.Setup!.Engine} {c.Setup.StackSize}").Distinct().Order().ToList();
        Assert.Equal(["separate ", "stacked 2"], setups);
        var last = journal.OfType<WorkCompleted>().Last(c => c.Output.Run is not null).Setup;
        Assert.Equal(last, CoordinatorState.Empty.Fold(journal).Searches[spec.SearchId].Setup);
        Assert.Single(warnings, w => w.Contains(spec.SearchId) && w.Contains("will not match bit for bit"));
    }

    /// <summary>Keeps the text of each warning a node logs.</summary>
    private sealed class WarningCollector : ReceiveActor
    {
        public WarningCollector(ConcurrentQueue<string> warnings) =>
            Receive<Warning>(w => warnings.Enqueue(w.Message.ToString() ?? ""));
    }

    /// <param name="stackSize">The trainer nodes' stacks; null where they train each run alone.</param>
    private static void EveryUnitCompletedOnce(Lab lab, IReadOnlyList<IClusterEvent> journal, SearchSpec spec,
        int? stackSize = null)
    {
        var queued = journal.OfType<WorkQueued>().Where(q => q.SearchId == spec.SearchId).Select(q => q.WorkId)
            .Distinct().Order().ToList();
        var completed = journal.OfType<WorkCompleted>().Where(c => queued.Contains(c.WorkId)).ToList();
        Assert.Equal(queued, completed.Select(c => c.WorkId).Order().ToList());
        Assert.All(completed, c => Assert.Null(c.Output.Failure));
        // Each run says how its node trained it; an init draw and the ensembles are not training runs.
        var engine = stackSize is null ? "separate" : "stacked";
        Assert.All(completed, c => Assert.Equal(c.Output.Run is null ? "none" : $"cpu {engine} {stackSize}",
            c.Setup is { } setup ? $"{setup.Device} {setup.Engine} {setup.StackSize}" : "none"));
        var runs = spec.Tickets().Sum(t => Training.Imp.TicketSchedule.For(spec, t).Count);
        Assert.Equal(spec.Model.Widths.Count + runs + 1, queued.Count);

        var ensembles = Assert.Single(completed, c => c.Output.Ensemble is not null).Output.Ensemble!;
        var search = CoordinatorState.Empty.Fold(journal).Searches[spec.SearchId];
        Assert.True(search.Completed);
        var plan = EnsembleEvaluation.Plan(spec, search.FinishedTicketRuns());
        Assert.Equal(spec.TicketsPerWidth, plan[0].WeightsHashes.Count);
        Assert.Equal(EnsembleEvaluation.Evaluate(lab.Runner(spec), plan).Levels, ensembles.Levels);
        Assert.Equal(ensembles.Levels, search.Ensemble!.Levels);
    }
}
