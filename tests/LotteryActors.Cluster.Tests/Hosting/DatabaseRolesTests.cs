using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Cluster.Arbiter;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Training.Artifacts;
using Npgsql;
using static LotteryActors.Cluster.Protocol.ClusterEvents;

namespace LotteryActors.Cluster.Tests.Hosting;

/// <summary>
/// deploy/postgres/roles.sql on a real PostgreSQL 15: each role does its job through lottery's own classes (a
/// coordinator node's journal, the artifact store, the lease table) and is refused what it must not do.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class DatabaseRolesTests(RoledDatabase lab) : IClassFixture<RoledDatabase>, IDisposable
{
    private const string InsufficientPrivilege = "42501";

    // A copy of a journaled row: with the privilege it fails on the duplicate key (the coordinator's test shows it),
    // so a refusal is the privilege's.
    private const string JournalInsert = "INSERT INTO journal OVERRIDING SYSTEM VALUE SELECT * FROM journal LIMIT 1";

    private const string UniqueViolation = "23505";

    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(1);

    private readonly string cache = Path.Combine(Path.GetTempPath(), $"lottery-roles-{Guid.NewGuid():N}");

    [PostgresFact]
    public async Task The_coordinator_role_journals_a_search_to_its_end_and_stores_artifacts_and_takes_leases()
    {
        Assert.Single(lab.Journaled.OfType<SearchSubmitted>());
        Assert.NotEmpty(lab.Journaled.OfType<WorkCompleted>());
        Assert.Equal(UniqueViolation, Refused("lottery_coordinator", JournalInsert));
        // Akka.Persistence.Sql made the journal's tables as the coordinator; the script made lottery's own.
        Assert.Equal(
            ["journal: lottery_coordinator", "lottery_artifacts: postgres", "lottery_leases: postgres",
             "lottery_unit_progress: postgres", "snapshot: lottery_coordinator", "tags: lottery_coordinator"],
            TableOwners());

        var hash = StoreAndReadBack("lottery_coordinator");
        Assert.Equal(ArtifactCondition.Intact, Artifacts("lottery_coordinator").Check(hash, ArtifactCheck.Content));
        await TakeRenewAndRelease("lottery_coordinator");
    }

    [PostgresFact]
    public async Task The_trainer_role_writes_artifacts_and_leases_and_reads_the_journal_but_cannot_write_it()
    {
        StoreAndReadBack("lottery_trainer");
        await TakeRenewAndRelease("lottery_trainer");
        Assert.Equal(lab.Journaled.Count, CoordinatorJournal.Events(lab.As("lottery_trainer")).Count);

        Assert.Equal(InsufficientPrivilege, Refused("lottery_trainer", JournalInsert));
        Assert.Equal(InsufficientPrivilege, Refused("lottery_trainer", "DELETE FROM snapshot"));
        Assert.Equal(InsufficientPrivilege, Refused("lottery_trainer", "CREATE TABLE intruder (a int)"));
    }

    [PostgresFact]
    public async Task The_reader_role_reads_the_journal_and_artifacts_but_writes_nothing()
    {
        var hash = StoreAndReadBack("lottery_coordinator");
        using var reader = Artifacts("lottery_reader");
        Assert.Equal(ArtifactCondition.Intact, reader.Check(hash, ArtifactCheck.Content));
        Assert.Equal(lab.Journaled.Count, CoordinatorJournal.Events(lab.As("lottery_reader")).Count);
        // What status, serve, compare and report read, through Akka's read journal.
        var searchId = Assert.Single(lab.Journaled.OfType<SearchSubmitted>()).SearchId;
        await using (var searches = new JournaledSearches(Runtime("lottery_reader")))
        {
            Assert.Equal([searchId], await searches.SearchIdsAsync());
            Assert.True((await searches.ReadAsync(searchId)).Completed);
        }

        var write = Assert.Throws<PostgresException>(() => reader.Write(Hash([9, 9]), [9, 9]));
        Assert.Equal(InsufficientPrivilege, write.SqlState);
        using var leases = new LeaseTable(lab.As("lottery_reader"));
        var take = await Assert.ThrowsAsync<PostgresException>(
            () => leases.TryTake("lottery-akka-sbr", "reader:1", Ttl, CancellationToken.None));
        Assert.Equal(InsufficientPrivilege, take.SqlState);
        Assert.Equal(InsufficientPrivilege, Refused("lottery_reader", JournalInsert));

        // The running units' progress: the coordinator publishes it, serve reads it and cannot write it.
        var unit = new PublishedUnit(searchId, $"{searchId}/w0-t0/r1/ticket", "10.0.0.7:4053", "w0-t0", 1, "ticket",
            20, 50, 1000, TimeSpan.FromMinutes(1));
        await using (var coordinator = UnitProgressTable.For(Runtime("lottery_coordinator")))
            await coordinator.ReplaceAsync("roles-test", [unit]);
        await using var units = UnitProgressTable.For(Runtime("lottery_reader"));
        Assert.Equal(unit, Assert.Single(await units.ReadAsync(searchId)).Unit);
        var publish = await Assert.ThrowsAsync<PostgresException>(() => units.ReplaceAsync("serve", []));
        Assert.Equal(InsufficientPrivilege, publish.SqlState);
    }

    [Fact]
    public void The_compose_reader_service_reads_the_labs_journal_and_artifacts_as_the_reader_role()
    {
        var runtime = RuntimeSettings.Read(
            LotteryConfig.FromFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reader-compose.conf")));

        var login = new NpgsqlConnectionStringBuilder(runtime.ConnectionString);
        Assert.Equal(("postgres", "lottery", "lottery_reader"), (login.Host, login.Database, login.Username));
        Assert.Equal(JournalBackend.Postgresql, runtime.Journal);
        Assert.Equal(ArtifactBackendKind.Postgresql, runtime.ArtifactBackend);
    }

    public void Dispose()
    {
        if (Directory.Exists(cache))
            Directory.Delete(cache, recursive: true);
    }

    /// <summary>Writes a fresh artifact as <paramref name="role"/> and reads it back through the database (each
    /// store gets an empty cache of its own), returning its hash.</summary>
    private string StoreAndReadBack(string role)
    {
        var bytes = Guid.NewGuid().ToByteArray();
        var hash = Hash(bytes);
        using (var writer = Artifacts(role))
            writer.Write(hash, bytes);
        using var reader = Artifacts(role);
        Assert.Equal(bytes, reader.Read(hash));
        return hash;
    }

    private async Task TakeRenewAndRelease(string role)
    {
        var owner = $"{role}:4053";
        using var leases = new LeaseTable(lab.As(role));
        Assert.True(await leases.TryTake(role, owner, Ttl, CancellationToken.None));
        Assert.True(await leases.Renew(role, owner, Ttl, CancellationToken.None));
        await leases.Release(role, owner, CancellationToken.None);
        Assert.True(await leases.TryTake(role, "another:4053", Ttl, CancellationToken.None));
    }

    private RuntimeSettings Runtime(string role) =>
        new(cache, Path.Combine(cache, "artifacts"), Slots: 1, TorchThreads: 1, "cpu", ChunkIterations: 50,
            MaxRestarts: 0, TimeSpan.Zero, TimeSpan.Zero, SnapshotEvery: 50, JournalBackend.Postgresql, lab.As(role),
            ArtifactBackendKind.Postgresql);

    private PostgresArtifacts Artifacts(string role) =>
        new(lab.As(role), new ArtifactDirectory(Path.Combine(cache, Guid.NewGuid().ToString("N"))));

    private string? Refused(string role, string sql)
    {
        using var connection = new NpgsqlConnection(lab.As(role));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Assert.Throws<PostgresException>(() => command.ExecuteNonQuery()).SqlState;
    }

    private List<string> TableOwners()
    {
        using var connection = new NpgsqlConnection(lab.As("lottery_reader"));
        connection.Open();
        using var command = new NpgsqlCommand(
            "SELECT tablename || ': ' || tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", connection);
        using var rows = command.ExecuteReader();
        var owners = new List<string>();
        while (rows.Read())
            owners.Add(rows.GetString(0));
        return owners;
    }

    private static string Hash(byte[] bytes) => ArtifactDirectory.HashOf(bytes);
}
