using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using Microsoft.Data.Sqlite;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// The running units' published progress in a real SQLite journal file: a publisher replaces only its own rows,
/// and a row older than its staleness is never read, so a coordinator killed without clearing shows nothing.
/// </summary>
public sealed class UnitProgressTableTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), $"lottery-unit-table-{Guid.NewGuid():N}");
    private readonly RuntimeSettings runtime;

    public UnitProgressTableTests()
    {
        runtime = new RuntimeSettings(home, Path.Combine(home, "artifacts"), Slots: 1, TorchThreads: 1, "cpu",
            ChunkIterations: 10, MaxRestarts: 0, TimeSpan.Zero, TimeSpan.Zero, SnapshotEvery: 50,
            JournalBackend.Sqlite, ConnectionString: "");
        Directory.CreateDirectory(home);
        // The journal a coordinator has recovered from exists before it publishes anything.
        using var journal = new SqliteConnection($"Data Source={JournalFile.PathIn(home)};Pooling=False");
        journal.Open();
    }

    [Fact]
    public async Task A_publisher_replaces_its_own_rows_and_leaves_another_publishers_alone()
    {
        await using var table = UnitProgressTable.For(runtime);
        Assert.Empty(await table.ReadAsync("s1"));

        await table.ReplaceAsync("coordinator-s1", [Unit("s1", "a", 5), Unit("s1", "b", 7)]);
        await table.ReplaceAsync("cluster", [Unit("s1", "c", 1)]);
        await table.ReplaceAsync("coordinator-s1", [Unit("s1", "b", 9)]);

        Assert.Equal([("b", 9), ("c", 1)],
            (await table.ReadAsync("s1")).Select(u => (u.Unit.WorkId, u.Unit.Iteration!.Value)));
        await table.ClearAsync("coordinator-s1");
        Assert.Equal(["c"], (await table.ReadAsync("s1")).Select(u => u.Unit.WorkId));
    }

    [Fact]
    public async Task A_row_older_than_its_staleness_is_not_read()
    {
        await using var table = UnitProgressTable.For(runtime);
        await table.ReplaceAsync("coordinator-s1", [Unit("s1", "a", 5, TimeSpan.FromMilliseconds(400))]);

        var fresh = Assert.Single(await table.ReadAsync("s1"));
        Assert.InRange(fresh.Age, TimeSpan.Zero, TimeSpan.FromMilliseconds(400));
        await Task.Delay(TimeSpan.FromMilliseconds(800));
        Assert.Empty(await table.ReadAsync("s1"));
    }

    private static PublishedUnit Unit(string search, string workId, int iteration, TimeSpan? staleAfter = null) =>
        new(search, workId, "local", "w0-t0", 1, "ticket", iteration, 50, 1000, staleAfter ?? TimeSpan.FromMinutes(1));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(home, recursive: true);
    }
}
