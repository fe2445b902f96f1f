using Akka.Actor;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Tests.Support;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Coordinator;

/// <summary>
/// A node that dies holding a lease loses it when the cluster removes it, or when a successor coordinator takes
/// over, never by its deadline: the leases here last ten minutes, far longer than the tests wait, so expiry cannot
/// hide a lease that was not ended. The node that dies is a role-less member that leases a unit by hand and never
/// delivers it (a machine that loses power mid-run).
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class LostNodeTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly WorkTiming LongLeases = Lab.Timing with { LeaseTimeout = TimeSpan.FromMinutes(10) };

    [PostgresFact]
    public async Task A_removed_nodes_leases_end_at_its_removal_and_its_unit_runs_elsewhere()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator", timing: LongLeases);
        var doomed = await lab.Start("", crashes: true, timing: LongLeases);
        var spec = Hand.Spec(seed: 31);
        await lab.Submit(coordinator, spec);
        var offer = await LeaseByHand(doomed);
        await lab.Start("trainer", timing: LongLeases);

        await lab.Crash(doomed);
        await lab.Finished(coordinator, spec);

        AnsweredElsewhere(lab, doomed, offer);
    }

    [PostgresFact]
    public async Task A_successor_ends_the_leases_of_a_node_that_died_with_the_old_coordinator_at_take_over()
    {
        await using var lab = new Lab(postgres.Server);
        var first = await lab.Start("coordinator", crashes: true, timing: LongLeases);
        var successor = await lab.Start("coordinator", timing: LongLeases);
        var doomed = await lab.Start("", crashes: true, timing: LongLeases);
        var spec = Hand.Spec(seed: 32);
        await lab.Submit(successor, spec);
        var offer = await LeaseByHand(doomed);
        await lab.Start("trainer", timing: LongLeases);
        // A fifth member, so that losing two of five leaves the resolver a majority.
        await lab.Start("", timing: LongLeases);

        await Task.WhenAll(lab.Crash(first), lab.Crash(doomed));
        await lab.Finished(successor, spec);

        AnsweredElsewhere(lab, doomed, offer);
    }

    private static Task<WorkOffered> LeaseByHand(ClusterNode node) =>
        node.Coordinator.Ask<WorkOffered>(new WorkRequested(node.Id, 1, 0), Lab.Patience);

    private static void AnsweredElsewhere(Lab lab, ClusterNode doomed, WorkOffered offer)
    {
        var journal = lab.Journal();
        Assert.Contains(journal.OfType<LeaseEnded>(), e =>
            e.WorkId == offer.WorkId && e.Node == doomed.Id && e.Reason == LeaseEndReason.NodeLeft);
        Assert.NotEqual(doomed.Id, Assert.Single(journal.OfType<WorkCompleted>(), c => c.WorkId == offer.WorkId).Node);
    }
}
