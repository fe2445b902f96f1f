using Akka.Actor;
using Akka.Cluster;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Tests.Support;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Coordinator;

/// <summary>
/// A node the cluster stops hearing loses its leases at once, not at its downing: here nobody is downed for ten
/// minutes and the leases last ten minutes too, far longer than the test waits, so only unreachability can have
/// moved the unit. The node that dies is a role-less member that leases the search's first unit by hand (its init
/// draw, which every other unit waits on) and never delivers it; a result sent in its name afterwards is late.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class UnreachableNodeTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly WorkTiming LongLeases = Lab.Timing with { LeaseTimeout = TimeSpan.FromMinutes(10) };

    [PostgresFact]
    public async Task An_unreachable_nodes_unit_runs_elsewhere_before_it_is_downed_and_its_late_result_is_ignored()
    {
        await using var lab = new Lab(postgres.Server, LongLeases, stableAfter: TimeSpan.FromMinutes(10));
        var coordinator = await lab.Start("coordinator");
        var doomed = await lab.Start("", crashes: true);
        var spec = Hand.Spec(seed: 33);
        await lab.Submit(coordinator, spec);
        var offer = await doomed.Coordinator.Ask<WorkOffered>(new WorkRequested(doomed.Id, 1, 0), Lab.Patience);
        await lab.Start("trainer");

        await lab.Crash(doomed);
        await lab.Finished(coordinator, spec);
        var members = Akka.Cluster.Cluster.Get(coordinator.System).State;
        await coordinator.Coordinator.Ask<WorkAcknowledged>(
            new WorkDone(doomed.Id, offer.WorkId, Hand.Output(offer.Item)), Lab.Patience);

        Assert.Contains(members.Members, m => NodeId.Of(m.UniqueAddress) == doomed.Id && m.Status == MemberStatus.Up);
        Assert.Contains(members.Unreachable, m => NodeId.Of(m.UniqueAddress) == doomed.Id);
        var journal = lab.Journal();
        var ended = Assert.Single(journal.OfType<LeaseEnded>(), e => e.WorkId == offer.WorkId);
        Assert.Equal((doomed.Id, LeaseEndReason.Unreachable), (ended.Node, ended.Reason));
        Assert.NotEqual(doomed.Id, Assert.Single(journal.OfType<WorkCompleted>(), c => c.WorkId == offer.WorkId).Node);
        Assert.DoesNotContain(journal.OfType<WorkCompleted>(), c => c.Node == doomed.Id);
    }
}
