using System.Diagnostics;
using Akka.Configuration;
using Akka.Coordination;
using LotteryActors.Benchmarks.Harness;
using LotteryActors.Cluster.Arbiter;
using LotteryActors.Cluster.Tests.Support;
using Npgsql;

namespace LotteryActors.Cluster.Tests.Arbiter;

/// <summary>
/// The database lease against a real PostgreSQL (one throwaway server for the class, a database per test): one
/// holder at a time, a dead holder's lease passing on once it expires, a release passing it on at once, and a holder
/// that loses its database hearing so. Short clocks: the lease outlives its holder by 3 s, renewed every 0.5 s.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class PostgresLeaseTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeoutSettings Clocks =
        new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2));

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [PostgresFact]
    public async Task Of_owners_racing_for_a_free_lease_exactly_one_holds_it_and_the_others_are_refused()
    {
        var database = postgres.Server.NewDatabase();
        var owners = Enumerable.Range(0, 4).Select(i => Lease(database, $"node-{i}")).ToList();

        var taken = await Task.WhenAll(owners.Select(o => o.Acquire()));

        Assert.Equal(1, taken.Count(t => t));
        Assert.Equal(taken, owners.Select(o => o.CheckLease()));
        var holder = owners[Array.IndexOf(taken, true)];
        // Held means held: renewals keep it past its timeout, and the others are still refused.
        await Task.Delay(Clocks.HeartbeatTimeout * 2);
        Assert.True(holder.CheckLease());
        foreach (var other in owners.Where(o => o != holder))
            Assert.False(await other.Acquire());
        owners.ForEach(o => o.Dispose());
    }

    [PostgresFact]
    public async Task A_holder_that_stops_renewing_keeps_the_lease_until_it_expires_then_another_owner_takes_it()
    {
        var database = postgres.Server.NewDatabase();
        using var successor = Lease(database, "successor");
        var crashed = Lease(database, "crashed");
        Assert.True(await crashed.Acquire());
        var clock = Stopwatch.StartNew();

        crashed.Dispose(); // its renewals stop and nothing is deleted: a process killed with SIGKILL

        Assert.False(await successor.Acquire());
        while (!await successor.Acquire())
        {
            Assert.True(clock.Elapsed < Patience, "the dead holder's lease never expired");
            await Task.Delay(100);
        }
        Assert.True(clock.Elapsed >= Clocks.HeartbeatTimeout - TimeSpan.FromMilliseconds(500),
            $"taken after {clock.Elapsed}, before the dead holder's lease had expired");
        Assert.True(successor.CheckLease());
    }

    [PostgresFact]
    public async Task A_released_lease_is_taken_by_another_owner_at_once()
    {
        var database = postgres.Server.NewDatabase();
        using var first = Lease(database, "first");
        using var second = Lease(database, "second");
        Assert.True(await first.Acquire());
        Assert.False(await second.Acquire());

        Assert.True(await first.Release());

        Assert.False(first.CheckLease());
        Assert.True(await second.Acquire());
        // A release by an owner that no longer holds it leaves the holder's row alone.
        Assert.True(await first.Release());
        Assert.False(await first.Acquire());
    }

    [PostgresFact]
    public async Task A_holder_whose_database_connection_is_lost_reports_the_lease_lost()
    {
        using var server = new TempPostgres();
        using var holder = Lease(server.NewDatabase(), "holder");
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await holder.Acquire(reason => lost.TrySetResult(reason)));

        server.Stop();

        var reason = await lost.Task.WaitAsync(Patience);
        Assert.IsAssignableFrom<LeaseException>(reason);
        Assert.False(holder.CheckLease());
    }

    [PostgresFact]
    public async Task A_holder_whose_row_another_owner_took_reports_the_lease_lost()
    {
        var database = postgres.Server.NewDatabase();
        using var holder = Lease(database, "holder");
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await holder.Acquire(reason => lost.TrySetResult(reason)));

        // What a holder sees after a pause longer than the timeout, during which another owner took the lease.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"UPDATE {LeaseTable.Name} SET owner = 'other'", connection);
            await command.ExecuteNonQueryAsync();
        }

        var reason = await lost.Task.WaitAsync(Patience);
        Assert.Contains("taken by another owner", reason.Message);
        Assert.False(holder.CheckLease());
    }

    private static PostgresLease Lease(string database, string owner) =>
        new(new LeaseSettings("test-lease", owner, Clocks, ConfigurationFactory.Empty), database);
}
