using Akka.Actor;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Coordinator;

/// <summary>
/// A coordinator publishes its leased units with what their node reported at its latest renewal, to the table
/// <c>lottery serve</c> reads, and drops a unit's row once the unit is done: a search's own on a real SQLite journal,
/// and a lab cluster's singleton on PostgreSQL.
/// </summary>
public sealed class UnitProgressPublisherTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(200);
    private const string Node = "local#1";

    private readonly string home = Path.Combine(Path.GetTempPath(), $"lottery-unit-progress-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_leased_units_reported_progress_is_published_and_its_row_goes_once_the_unit_is_done()
    {
        var runtime = new RuntimeSettings(home, Path.Combine(home, "artifacts"), Slots: 1, TorchThreads: 1, "cpu",
            ChunkIterations: 10, MaxRestarts: 0, TimeSpan.Zero, TimeSpan.Zero, SnapshotEvery: 50,
            JournalBackend.Sqlite, ConnectionString: "");
        Directory.CreateDirectory(home);
        var spec = Hand.Spec(seed: 20);
        using var system = ActorSystem.Create("publisher",
            JournalHocon.AkkaConfig(runtime, ConfigurationFactory.ParseString(ClusterSerializer.Hocon)));
        await using var table = UnitProgressTable.For(runtime);
        var coordinator = system.ActorOf(WorkCoordinator.Props(OneNodeSearch.Timing(runtime), runtime.SnapshotEvery,
            membership: new LocalMembership(Node), persistenceId: WorkCoordinator.PersistenceIdFor(spec.SearchId),
            publishing: new UnitProgressPublishing(table, Every)));
        await coordinator.Ask<SearchAccepted>(new SubmitSearch(CanonicalSpec.ToJson(spec)), Patience);
        var offer = await coordinator.Ask<WorkOffered>(new WorkRequested(Node, 1, 0), Patience);

        coordinator.Tell(new LeasesHeld(Node, [offer.WorkId],
            new Dictionary<string, TrainingProgress> { [offer.WorkId] = new(10, 40, 600) }));
        var published = await Until(table, spec.SearchId, units => units.Any(u => u.Unit.Iteration == 10));

        var unit = Assert.Single(published).Unit;
        Assert.Equal((offer.WorkId, "local", "w0", "init", 10, 40, 600.0),
            (unit.WorkId, unit.Node, unit.Unit, unit.Kind, unit.Iteration, unit.TotalIterations,
                unit.ExamplesPerSecond));
        Assert.Equal(Every * UnitProgressPublishing.StalenessFactor, unit.StaleAfter);

        coordinator.Tell(new WorkDone(Node, offer.WorkId, Hand.Output(offer.Item)));
        await Until(table, spec.SearchId, units => units.All(u => u.Unit.WorkId != offer.WorkId));
        await system.Terminate();
    }

    [PostgresFact]
    [Trait("Tier", "EndToEnd")]
    public async Task A_cluster_coordinator_node_publishes_the_units_leased_to_its_trainers()
    {
        await using var lab = new Lab(postgres.Server);
        var coordinator = await lab.Start("coordinator", unitProgressEvery: Every);
        var spec = Hand.Spec(seed: 21);
        await lab.Submit(coordinator, spec);
        var offer = await coordinator.Coordinator.Ask<WorkOffered>(new WorkRequested("trainer-a", 1, 0), Patience);

        coordinator.Coordinator.Tell(new LeasesHeld("trainer-a", [offer.WorkId],
            new Dictionary<string, TrainingProgress> { [offer.WorkId] = new(3, 40, null) }));
        await using var table = UnitProgressTable.For(lab.Runtime());
        var unit = Assert.Single(await Until(table, spec.SearchId, units => units.Any(u => u.Unit.Iteration == 3)))
            .Unit;

        Assert.Equal((offer.WorkId, "trainer-a", 40, (double?)null),
            (unit.WorkId, unit.Node, unit.TotalIterations, unit.ExamplesPerSecond));
    }

    /// <summary>Reads the search's fresh units until <paramref name="done"/> holds for them.</summary>
    private static async Task<IReadOnlyList<FreshUnit>> Until(UnitProgressTable table, string searchId,
        Func<IReadOnlyList<FreshUnit>, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var units = await table.ReadAsync(searchId);
            if (done(units))
                return units;
            Assert.True(DateTime.UtcNow < deadline, $"published: {string.Join(", ", units)}");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(home))
            Directory.Delete(home, recursive: true);
    }
}
