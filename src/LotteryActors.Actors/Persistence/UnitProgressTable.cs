using System.Data.Common;
using LotteryActors.Actors.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// Each running unit's progress, as its coordinator last published it, in one small table of lottery's own beside
/// the journal's (<see cref="Name"/>): how a dashboard in another process, on any machine that reads the journal's
/// database, shows what only the coordinator's memory holds. Never the journal: progress changes with every lease
/// renewal and is not science (renewals are not journaled either). A coordinator replaces its rows every interval
/// and stamps them with the database's clock, never its own, so a dashboard on another machine judges their age
/// without trusting two clocks to agree; a row older than its <see cref="PublishedUnit.StaleAfter"/> is never read,
/// so a coordinator killed without clearing its rows shows no progress once they are stale.
/// </summary>
public sealed class UnitProgressTable : IAsyncDisposable
{
    public const string Name = "lottery_unit_progress";

    /// <summary>Held while PostgreSQL creates the table (<see cref="PostgresTable"/>): "lottery_unit_progress".
    /// </summary>
    private const long CreateLock = 0x6c6f7474_70726f67;

    /// <summary>The columns, in a form SQLite and PostgreSQL both take; deploy/postgres/roles.sql makes the same.
    /// </summary>
    public const string Columns = "search_id text NOT NULL, work_id text NOT NULL, publisher text NOT NULL, " +
        "node text NOT NULL, unit text NOT NULL, round integer, kind text NOT NULL, iteration integer, " +
        "total_iterations integer, examples_per_second double precision, stale_after_ms bigint NOT NULL, " +
        "updated_ms bigint NOT NULL, PRIMARY KEY (search_id, work_id)";

    private readonly RuntimeSettings runtime;
    private readonly NpgsqlDataSource? postgres;
    // The database's clock in milliseconds since 1970, as SQL: the one clock every writer and reader shares.
    private readonly string now;
    private bool ensured;

    private UnitProgressTable(RuntimeSettings runtime)
    {
        this.runtime = runtime;
        if (runtime.Journal == JournalBackend.Postgresql)
        {
            postgres = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(runtime.ConnectionString)
                { Timeout = (int)JournalDatabase.Timeout.TotalSeconds }.ConnectionString);
            now = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS bigint)";
        }
        else
            now = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
    }

    /// <summary>The table in the runtime's journal database: the SQLite file in its home, or its PostgreSQL.</summary>
    public static UnitProgressTable For(RuntimeSettings runtime) => new(runtime);

    /// <summary>
    /// Makes <paramref name="publisher"/>'s rows exactly <paramref name="units"/>, stamped now, in one transaction: a
    /// reader sees the old set or the new, never half. Creates the table at the first write where it is missing.
    /// </summary>
    /// <param name="publisher">Whose rows: a coordinator's persistence id (each writes only its own).</param>
    public async Task ReplaceAsync(string publisher, IReadOnlyList<PublishedUnit> units,
        CancellationToken cancel = default)
    {
        if (!ensured)
            await EnsureAsync(cancel);
        ensured = true;
        await using var connection = await OpenAsync(cancel);
        await using var transaction = await connection.BeginTransactionAsync(cancel);
        await using (var delete = Command(connection, transaction, $"DELETE FROM {Name} WHERE publisher = @publisher"))
        {
            Add(delete, "publisher", publisher);
            await delete.ExecuteNonQueryAsync(cancel);
        }
        foreach (var unit in units)
        {
            // A row of the same unit from another publisher (the search moved from a node alone to the cluster)
            // is taken over: the unit runs in one place at a time.
            await using var insert = Command(connection, transaction, $"""
                INSERT INTO {Name} (search_id, work_id, publisher, node, unit, round, kind, iteration, total_iterations,
                  examples_per_second, stale_after_ms, updated_ms)
                VALUES (@search, @work, @publisher, @node, @unit, @round, @kind, @iteration, @total, @rate, @stale,
                  {now})
                ON CONFLICT (search_id, work_id) DO UPDATE SET publisher = excluded.publisher, node = excluded.node,
                  unit = excluded.unit, round = excluded.round, kind = excluded.kind, iteration = excluded.iteration,
                  total_iterations = excluded.total_iterations, examples_per_second = excluded.examples_per_second,
                  stale_after_ms = excluded.stale_after_ms, updated_ms = excluded.updated_ms
                """);
            Add(insert, "search", unit.SearchId);
            Add(insert, "work", unit.WorkId);
            Add(insert, "publisher", publisher);
            Add(insert, "node", unit.Node);
            Add(insert, "unit", unit.Unit);
            Add(insert, "round", unit.Round);
            Add(insert, "kind", unit.Kind);
            Add(insert, "iteration", unit.Iteration);
            Add(insert, "total", unit.TotalIterations);
            Add(insert, "rate", unit.ExamplesPerSecond);
            Add(insert, "stale", (long)unit.StaleAfter.TotalMilliseconds);
            await insert.ExecuteNonQueryAsync(cancel);
        }
        await transaction.CommitAsync(cancel);
    }

    /// <summary>Deletes <paramref name="publisher"/>'s rows: its searches run no unit any more. Nothing to do
    /// where no journal was ever made (a search that stopped before it journaled anything).</summary>
    public Task ClearAsync(string publisher, CancellationToken cancel = default) =>
        JournalFile.IsAbsent(runtime) ? Task.CompletedTask : ReplaceAsync(publisher, [], cancel);

    /// <summary>
    /// The search's units as last published, with their age, leaving out those older than their staleness; none
    /// where nothing was ever published (no journal yet, or no table).
    /// </summary>
    public async Task<IReadOnlyList<FreshUnit>> ReadAsync(string searchId, CancellationToken cancel = default)
    {
        if (JournalFile.IsAbsent(runtime))
            return [];
        await using var connection = await OpenAsync(cancel);
        await using var select = Command(connection, null, $"""
            SELECT work_id, node, unit, round, kind, iteration, total_iterations, examples_per_second, stale_after_ms,
              {now} - updated_ms AS age_ms
            FROM {Name} WHERE search_id = @search AND {now} - updated_ms <= stale_after_ms ORDER BY work_id
            """);
        Add(select, "search", searchId);
        var units = new List<FreshUnit>();
        try
        {
            await using var rows = await select.ExecuteReaderAsync(cancel);
            while (await rows.ReadAsync(cancel))
                units.Add(new FreshUnit(new PublishedUnit(searchId, rows.GetString(0), rows.GetString(1),
                        rows.GetString(2), NullOr(rows, 3, r => r.GetInt32(3)), rows.GetString(4),
                        NullOr(rows, 5, r => r.GetInt32(5)), NullOr(rows, 6, r => r.GetInt32(6)),
                        NullOr(rows, 7, r => r.GetDouble(7)), TimeSpan.FromMilliseconds(rows.GetInt64(8))),
                    TimeSpan.FromMilliseconds(Math.Max(0, rows.GetInt64(9)))));
        }
        catch (DbException e) when (IsMissingTable(e))
        {
            return [];
        }
        return units;
    }

    private static T? NullOr<T>(DbDataReader rows, int column, Func<DbDataReader, T> read) where T : struct =>
        rows.IsDBNull(column) ? null : read(rows);

    /// <summary>No coordinator of this release has published yet: nothing to show, not a fault.</summary>
    private static bool IsMissingTable(DbException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable }
        || (e is SqliteException && e.Message.Contains("no such table", StringComparison.Ordinal));

    private async Task EnsureAsync(CancellationToken cancel)
    {
        if (postgres is not null)
        {
            await PostgresTable.EnsureAsync(postgres, Name, CreateLock, Columns, cancel);
            return;
        }
        await using var connection = await OpenAsync(cancel);
        await using var create = Command(connection, null, $"CREATE TABLE IF NOT EXISTS {Name} ({Columns})");
        await create.ExecuteNonQueryAsync(cancel);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancel)
    {
        if (postgres is not null)
            return await postgres.OpenConnectionAsync(cancel);
        // Read-write, as JournalFile explains: a read-only connection cannot recover the write-ahead log.
        var sqlite = new SqliteConnection(
            $"Data Source={JournalFile.PathIn(runtime.Home)};Mode=ReadWrite;Pooling=True");
        await sqlite.OpenAsync(cancel);
        return sqlite;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = (int)JournalDatabase.Timeout.TotalSeconds;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    public async ValueTask DisposeAsync()
    {
        if (postgres is not null)
            await postgres.DisposeAsync();
    }
}

/// <summary>A running unit as its coordinator publishes it: what it is, which node runs it, and how far it is.
/// </summary>
/// <param name="Unit">The ticket (w0-t1), the init (w0), or "all" for the ensembles.</param>
/// <param name="Kind">The run's kind (ticket, random-reinit, ...), init or ensembles.</param>
/// <param name="Iteration">Null until its node reported it (and for a unit that is not a training run).</param>
/// <param name="StaleAfter">How old the row may grow before a reader ignores it: a few publishing intervals.</param>
public sealed record PublishedUnit(string SearchId, string WorkId, string Node, string Unit, int? Round, string Kind,
    int? Iteration, int? TotalIterations, double? ExamplesPerSecond, TimeSpan StaleAfter);

/// <summary>A published unit read back, <paramref name="Age"/> after it was published (by the database's clock).
/// </summary>
public sealed record FreshUnit(PublishedUnit Unit, TimeSpan Age);
