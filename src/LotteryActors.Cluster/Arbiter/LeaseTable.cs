using LotteryActors.Actors.Persistence;
using Npgsql;

namespace LotteryActors.Cluster.Arbiter;

/// <summary>
/// The rows behind <see cref="PostgresLease"/>: <c>lottery_leases</c> (name, owner, expiry) in the journal's
/// database. Every expiry is set and compared by the database's own clock (<c>now()</c>), so the clocks of the lab's
/// machines never have to agree; each statement is one atomic row operation, so two owners racing for a free lease
/// cannot both win.
/// </summary>
public sealed class LeaseTable(string connectionString) : IDisposable
{
    public const string Name = "lottery_leases";

    // The advisory lock id held while the table is created (see PostgresTable): the artifact table's plus one.
    private const long CreateLock = 0x6c6f7474657280;

    private readonly NpgsqlDataSource database = NpgsqlDataSource.Create(connectionString);
    private volatile bool created;

    /// <summary>Takes <paramref name="lease"/> for <paramref name="owner"/> until <paramref name="ttl"/> from now,
    /// when it is free, expired, or already this owner's (then it is extended). False: another owner holds it.
    /// </summary>
    public async Task<bool> TryTake(string lease, string owner, TimeSpan ttl, CancellationToken cancel)
    {
        await Create(cancel);
        return await Execute($"""
            INSERT INTO {Name} (name, owner, expires_at) VALUES ($1, $2, now() + $3)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE {Name}.owner = excluded.owner OR {Name}.expires_at <= now()
            """, cancel, lease, owner, ttl) == 1;
    }

    /// <summary>Moves the expiry of this owner's row to <paramref name="ttl"/> from now. False: the row is not this
    /// owner's any more (it expired and another owner took it, or it was released).</summary>
    public async Task<bool> Renew(string lease, string owner, TimeSpan ttl, CancellationToken cancel) =>
        await Execute($"UPDATE {Name} SET expires_at = now() + $3 WHERE name = $1 AND owner = $2",
            cancel, lease, owner, ttl) == 1;

    /// <summary>Deletes this owner's row, so another owner may take the lease at once; another owner's is kept.
    /// </summary>
    public async Task Release(string lease, string owner, CancellationToken cancel) =>
        await Execute($"DELETE FROM {Name} WHERE name = $1 AND owner = $2", cancel, lease, owner);

    public void Dispose() => database.Dispose();

    private async Task Create(CancellationToken cancel)
    {
        if (created)
            return;
        await PostgresTable.EnsureAsync(database, Name, CreateLock,
            "name text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL", cancel);
        created = true;
    }

    private async Task<int> Execute(string sql, CancellationToken cancel, params object[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        return await command.ExecuteNonQueryAsync(cancel);
    }
}
