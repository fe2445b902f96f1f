using Akka.Configuration;
using LotteryActors.Benchmarks.Cluster;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.ClusterEvents;

namespace LotteryActors.Cluster.Tests.Benchmarks;

/// <summary>
/// The coordinator's scaling simulation at a small size, against a real PostgreSQL: what it reports must be what
/// its journal holds. Its timings are the bench's business (<c>lottery bench coordinator</c>), not checked here.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class CoordinatorScalingTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private const int SnapshotEvery = 40;

    [PostgresFact]
    public async Task Every_unit_is_journaled_as_completed_once_and_the_report_counts_what_the_journal_holds()
    {
        await using var lab = new Lab(postgres.Server);
        var (cluster, runtime) = lab.Settings("coordinator", slots: 1, SnapshotEvery);
        var plan = new CoordinatorScalingPlan(Units: 150, Pullers: 5, Searches: 2, RunSeconds: [60]);

        var report = await CoordinatorScaling.MeasureAsync(plan, Hand.Spec(), cluster, runtime, lab.ConnectionString,
            postgres.Server.NewDatabase(), ConfigurationFactory.ParseString("akka.loglevel = WARNING"),
            CancellationToken.None);

        var journal = CoordinatorJournal.Events(lab.ConnectionString);
        var searches = CoordinatorScaling.Searches(plan, Hand.Spec());
        var completed = journal.OfType<WorkCompleted>().Select(c => c.WorkId).ToList();
        Assert.Equal(searches.Sum(CoordinatorScaling.UnitsOf), report.Units);
        Assert.Equal(report.Units, completed.Count);
        Assert.Equal(journal.OfType<WorkQueued>().Select(q => q.WorkId).Order(), completed.Order());
        Assert.Equal(journal.OfType<WorkLeased>().Count(), report.Leases);
        Assert.Equal(journal.Count, report.JournalEvents);
        Assert.Equal(journal.Count, report.Recovery.JournalEvents);
        // A snapshot every 40 events; the last save may still have been in flight when the node stopped.
        Assert.InRange(report.Recovery.EventsAfterSnapshot, 0, 2 * SnapshotEvery);
        // Both searches finished, and every simulated node took part.
        var state = CoordinatorState.Empty.Fold(journal);
        Assert.All(searches, s => Assert.True(state.Progress(s.SearchId).Finished, s.SearchId));
        Assert.Equal(plan.Pullers, journal.OfType<WorkLeased>().Select(l => l.Node).Distinct().Count());
        Assert.Equal(plan.RunSeconds, report.Capacity.Select(c => c.RunSeconds));
    }
}
