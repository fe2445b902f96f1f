using Akka.Actor;
using Akka.Cluster;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Tests.Support;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Coordinator;

/// <summary>
/// A node that dies holding a lease loses it when the cluster stops hearing it, when the cluster removes it, or
/// when a successor coordinator takes over, never by its deadline: the leases here last ten minutes, far longer than
/// the tests wait, so expiry cannot hide a lease that was not ended. The node that dies is a role-less member that
/// leases a unit by hand and never delivers it (a machine that loses power mid-run).
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class LostNodeTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly WorkTiming LongLeases = Lab.Timing with { LeaseTimeout = TimeSpan.FromMinutes(10) };

    /// <summary>
    /// Nobody is downed for ten minutes here, so only unreachability can move the unit: the search's first unit (its
    /// init draw, which every other unit waits on). A result sent in the dead node's name afterwards is late. (Before
    /// leases ended at unreachability, a test here had them end at the node's removal; they now end before it.)
    /// </summary>
    [PostgresFact]
    public async Task An_unreachable_nodes_unit_runs_elsewhere_before_it_is_downed_and_its_late_result_is_ignored()
    {
        await using var lab = new Lab(postgres.Server, LongLeases, stableAfter: TimeSpan.FromMinutes(10));
        var coordinator = await lab.Start("coordinator");
        var doomed = await lab.Start("", crashes: true);
        var spec = Hand.Spec(seed: 33);
        await lab.Submit(coordinator, spec);
        var offer = await LeaseByHand(doomed);
        await lab.Start("trainer");

        await lab.Crash(doomed);
        await lab.Finished(coordinator, spec);
        var members = Akka.Cluster.Cluster.Get(coordinator.System).State;
        await coordinator.Coordinator.Ask<WorkAcknowledged>(
            new WorkDone(doomed.Id, offer.WorkId, Hand.Output(offer.Item)), Lab.Patience);

        Assert.Contains(members.Members, m => NodeId.Of(m.UniqueAddress) == doomed.Id && m.Status == MemberStatus.Up);
        Assert.Contains(members.Unreachable, m => NodeId.Of(m.UniqueAddress) == doomed.Id);
        AnsweredElsewhere(lab, doomed, offer, LeaseEndReason.Unreachable);
        Assert.DoesNotContain(lab.Journal().OfType<WorkCompleted>(), c => c.Node == doomed.Id);
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

        AnsweredElsewhere(lab, doomed, offer, LeaseEndReason.NodeLeft, LeaseEndReason.Unreachable);
    }

    private static Task<WorkOffered> LeaseByHand(ClusterNode node) =>
        node.Coordinator.Ask<WorkOffered>(new WorkRequested(node.Id, 1, 0), Lab.Patience);

    /// <summary>The dead node's lease ended once, for one of <paramref name="reasons"/>, and another node's result
    /// was journaled.</summary>
    private static void AnsweredElsewhere(Lab lab, ClusterNode doomed, WorkOffered offer,
        params LeaseEndReason[] reasons)
    {
        var journal = lab.Journal();
        var ended = Assert.Single(journal.OfType<LeaseEnded>(), e => e.WorkId == offer.WorkId);
        Assert.Equal(doomed.Id, ended.Node);
        Assert.Contains(ended.Reason, reasons);
        Assert.NotEqual(doomed.Id, Assert.Single(journal.OfType<WorkCompleted>(), c => c.WorkId == offer.WorkId).Node);
    }
}
