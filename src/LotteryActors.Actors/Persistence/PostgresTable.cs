using Npgsql;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// Creates one of lottery's own tables (artifacts, leases) in the journal's database when it is missing. A lab that
/// runs with roles of least privilege (deploy/postgres/roles.sql) makes the tables beforehand and gives trainers and
/// readers no CREATE on the schema: PostgreSQL refuses them even CREATE TABLE IF NOT EXISTS on an existing table
/// ("permission denied for schema public", checked on PostgreSQL 15), so an existing table is looked up first and
/// left alone.
/// </summary>
public static class PostgresTable
{
    /// <param name="createLock">An advisory lock id held while creating: nodes starting together must not race
    /// CREATE TABLE, which fails on PostgreSQL's catalog even with IF NOT EXISTS.</param>
    /// <param name="columns">The table's column list, as in CREATE TABLE.</param>
    public static async Task EnsureAsync(NpgsqlDataSource database, string name, long createLock, string columns,
        CancellationToken cancel = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancel);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
        {
            exists.Parameters.AddWithValue(name);
            if ((bool)(await exists.ExecuteScalarAsync(cancel))!)
                return;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancel);
        await using (var create = new NpgsqlCommand(
                         $"SELECT pg_advisory_xact_lock({createLock}); CREATE TABLE IF NOT EXISTS {name} ({columns});",
                         connection, transaction))
            await create.ExecuteNonQueryAsync(cancel);
        await transaction.CommitAsync(cancel);
    }
}
