using Akka.Actor;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Coordinator;

/// <summary>
/// An operator's requests to a real coordinator, in one process over a real PostgreSQL: the node table, drain and
/// undrain, cancel and resume, and a trainer node that drains as it stops.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class OperatorRequestTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    [PostgresFact]
    public async Task A_drained_node_is_listed_as_draining_takes_no_unit_and_finishes_the_search_once_undrained()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        var trainer = await lab.Start("trainer");
        var drain = await Ask<DrainSet>(coordinator, new DrainRequested(trainer.Id, Drain: true));
        var spec = Hand.Spec(seed: 51);

        await lab.Submit(coordinator, spec);
        await Task.Delay(Quiet);
        var nodes = await Ask<NodesReport>(coordinator, NodesRequested.Instance);

        Assert.Equal((true, true), (drain.Draining, drain.Changed));
        var row = Assert.Single(nodes.Nodes, n => n.Node == trainer.Id);
        Assert.Equal(["trainer"], row.Roles);
        Assert.Equal(("up", ClusterSerializer.ProtocolVersion, 1, 1, true),
            (row.Status, row.ProtocolVersion, row.Slots, row.Free, row.Draining));
        Assert.Equal(["coordinator"], Assert.Single(nodes.Nodes, n => n.Node == coordinator.Id).Roles);
        Assert.DoesNotContain(lab.Journal().OfType<WorkLeased>(), l => l.Node == trainer.Id);
        var undrain = await Ask<DrainSet>(coordinator, new DrainRequested(trainer.Id, Drain: false));
        Assert.Equal((false, true), (undrain.Draining, undrain.Changed));
        await lab.Finished(coordinator, spec);
        Assert.Single(lab.Journal().OfType<NodeDrained>());
    }

    [PostgresFact]
    public async Task A_cancelled_search_loses_its_leases_ignores_their_results_and_goes_on_when_submitted_again()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        var spec = Hand.Spec(seed: 52);
        await lab.Submit(coordinator, spec);
        var offer = await Ask<WorkOffered>(coordinator, new WorkRequested("by-hand", 1, 0));

        var cancel = await Ask<CancelAnswered>(coordinator, new CancelRequested(spec.SearchId));
        var progress = await Ask<SearchProgress>(coordinator, new ProgressRequested(spec.SearchId));
        await Ask<WorkAcknowledged>(coordinator, new WorkDone("by-hand", offer.WorkId, Hand.Output(offer.Item)));
        await lab.Start("trainer");
        await Task.Delay(Quiet);

        Assert.Equal((true, true, 1), (cancel.Known, cancel.Changed, cancel.Stopped));
        Assert.Equal((true, false), (progress.Cancelled, progress.Finished));
        Assert.Empty(progress.Running);
        Assert.Empty(lab.Journal().OfType<WorkCompleted>());
        Assert.False((await Ask<CancelAnswered>(coordinator, new CancelRequested("no-such-search"))).Known);
        var resumed = await lab.Submit(coordinator, spec);
        var again = await lab.Submit(coordinator, spec);
        await lab.Finished(coordinator, spec);
        Assert.Equal((true, true), (resumed.AlreadyKnown, resumed.Resumed));
        Assert.Equal((true, false), (again.AlreadyKnown, again.Resumed));
        var journal = lab.Journal();
        Assert.Single(journal.OfType<SearchCancelled>());
        Assert.Single(journal.OfType<SearchResumed>());
        Assert.NotEqual("by-hand", Assert.Single(journal.OfType<WorkCompleted>(), c => c.WorkId == offer.WorkId).Node);
    }

    [PostgresFact]
    public async Task A_trainer_node_that_stops_finishes_its_running_unit_before_it_leaves()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator");
        var trainer = await lab.Start("trainer", timing: Lab.Timing with { DrainTimeout = TimeSpan.FromMinutes(1) });
        var spec = Hand.Spec(seed: 53);
        await lab.Submit(coordinator, spec);
        var deadline = DateTime.UtcNow + Lab.Patience;
        WorkLeased? training = null;
        while (training is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the trainer got no training run");
            var journal = lab.Journal();
            training = journal.OfType<WorkLeased>().FirstOrDefault(l => l.Node == trainer.Id && l.WorkId.Contains("/r")
                && !journal.OfType<WorkCompleted>().Any(c => c.WorkId == l.WorkId));
            await Task.Delay(20);
        }

        await CoordinatedShutdown.Get(trainer.System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await lab.Start("trainer");
        await lab.Finished(coordinator, spec);

        var after = lab.Journal();
        Assert.Equal(trainer.Id, Assert.Single(after.OfType<WorkCompleted>(), c => c.WorkId == training.WorkId).Node);
        Assert.DoesNotContain(after.OfType<LeaseEnded>(), e => e.Node == trainer.Id);
        Assert.Contains(after.OfType<NodeDrained>(), d => d.Node == trainer.Id);
    }

    private static Task<T> Ask<T>(ClusterNode via, object message) => via.Coordinator.Ask<T>(message, Lab.Patience);
}
