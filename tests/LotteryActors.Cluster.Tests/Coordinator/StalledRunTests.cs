using Akka.Actor;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Tests.Support;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Coordinator;

/// <summary>
/// A node whose run hangs but whose heartbeat goes on (its renewals keep coming, always at the same iteration)
/// loses the lease after the stall timeout, although the lease itself (ten minutes here) would never expire; its next
/// renewal is answered by the word to stop the unit.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class StalledRunTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly WorkTiming Timing = Lab.Timing with
    {
        LeaseTimeout = TimeSpan.FromMinutes(10),
        StallTimeout = TimeSpan.FromSeconds(3),
    };

    [PostgresFact]
    public async Task A_run_renewed_without_moving_for_the_stall_timeout_loses_its_lease_and_runs_elsewhere()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator", timing: Timing);
        var spec = Hand.Spec(seed: 41);
        await lab.Submit(coordinator, spec);
        var offer = await coordinator.Coordinator.Ask<WorkOffered>(new WorkRequested("hung", 1, 0), Lab.Patience);
        var stuck = new Dictionary<string, TrainingProgress> { [offer.WorkId] = new(10, 100, null) };

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!lab.Journal().OfType<LeaseEnded>().Any(e => e.WorkId == offer.WorkId))
        {
            Assert.True(DateTime.UtcNow < deadline, "the stalled run kept its lease for 60 s");
            coordinator.Coordinator.Tell(new LeasesHeld("hung", [offer.WorkId], stuck));
            await Task.Delay(300);
        }
        // The hung node, heard again, is told to stop the unit it lost rather than finish it for nothing. The
        // journal can show the end of the lease before the coordinator has applied it (its persist callback runs
        // after the write), and until then a renewal is not answered: ask again until it is.
        UnitsCancelled? stop = null;
        var told = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (stop is null)
        {
            Assert.True(DateTime.UtcNow < told, "the hung node was not told to stop the unit it lost within 60 s");
            try
            {
                stop = await coordinator.Coordinator.Ask<UnitsCancelled>(
                    new LeasesHeld("hung", [offer.WorkId], stuck), TimeSpan.FromSeconds(2));
            }
            catch (AskTimeoutException)
            {
            }
        }
        Assert.Equal([offer.WorkId], stop.WorkIds);
        await lab.Start("trainer", timing: Timing);
        await lab.Finished(coordinator, spec);

        var journal = lab.Journal();
        var ended = Assert.Single(journal.OfType<LeaseEnded>(), e => e.WorkId == offer.WorkId);
        Assert.Equal(("hung", LeaseEndReason.Stalled), (ended.Node, ended.Reason));
        Assert.NotEqual("hung", Assert.Single(journal.OfType<WorkCompleted>(), c => c.WorkId == offer.WorkId).Node);
    }
}
