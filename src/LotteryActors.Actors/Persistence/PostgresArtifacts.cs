using LotteryActors.Training.Artifacts;
using Npgsql;
using NpgsqlTypes;
using Serilog;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// Artifacts as rows of <c>lottery_artifacts</c> (hash, bytes) in the journal's PostgreSQL database, so every node
/// of a lab sees them without a shared mount, with this node's <see cref="Local"/> directory as a cache in front.
/// Every read is checked: a cached copy that no longer hashes to its name is reported, dropped and fetched again;
/// a database row that does not is a corrupt artifact (an environmental fault naming the hash), never trained on.
/// Calls are synchronous: trainers read and write artifacts on their own pinned threads.
/// </summary>
public sealed class PostgresArtifacts : IArtifactBackend
{
    public const string Table = "lottery_artifacts";

    // The advisory lock id held while the table is created (see PostgresTable).
    private const long CreateLock = 0x6c6f7474657279;

    private static readonly ILogger Log = Serilog.Log.ForContext<PostgresArtifacts>();
    private readonly NpgsqlDataSource database;
    private readonly ArtifactCacheBound bound;
    private int cacheFailed;

    /// <param name="cacheLimit">The most bytes <paramref name="cache"/> may hold; 0 for no limit.</param>
    public PostgresArtifacts(string connectionString, ArtifactDirectory cache, long cacheLimit = 0)
    {
        Local = cache;
        bound = new ArtifactCacheBound(cache, cacheLimit);
        database = NpgsqlDataSource.Create(connectionString);
        try
        {
            PostgresTable.EnsureAsync(database, Table, CreateLock, "hash text PRIMARY KEY, content bytea NOT NULL")
                .GetAwaiter().GetResult();
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    public ArtifactDirectory Local { get; }

    public void Write(string hash, byte[] bytes)
    {
        // The database's copy is the one every node reads, so it is written first; a row that exists but no
        // longer hashes to its name (a damaged blob) is replaced, which is how a repair restores it.
        using (var command = database.CreateCommand($"""
                   INSERT INTO {Table} (hash, content) VALUES ($1, $2)
                   ON CONFLICT (hash) DO UPDATE SET content = excluded.content
                   WHERE encode(sha256({Table}.content), 'hex') <> {Table}.hash
                   """))
        {
            command.Parameters.AddWithValue(hash);
            command.Parameters.AddWithValue(NpgsqlDbType.Bytea, bytes);
            command.ExecuteNonQuery();
        }
        Cache(hash, bytes);
    }

    public byte[] Read(string hash)
    {
        if (File.Exists(Local.PathOf(hash)))
        {
            try
            {
                var cached = Local.Read(hash);
                bound.Used(hash);
                return cached;
            }
            catch (CorruptArtifactException e)
            {
                Log.Warning("the cached copy of artifact {Hash} is corrupt ({Cause}); fetching it again from the " +
                            "database", hash, e.Message);
                Local.Delete(hash);
            }
        }
        var bytes = Fetch(hash);
        Cache(hash, bytes);
        return bytes;
    }

    /// <summary>
    /// Checks the database's copy, the one every node reads. The database hashes it itself, so either depth of check
    /// is a full content check that moves no blob over the network.
    /// </summary>
    public ArtifactCondition Check(string hash, ArtifactCheck check)
    {
        using var command = database.CreateCommand(
            $"SELECT encode(sha256(content), 'hex') = hash FROM {Table} WHERE hash = $1");
        command.Parameters.AddWithValue(hash);
        return command.ExecuteScalar() switch
        {
            null => ArtifactCondition.Missing,
            true => ArtifactCondition.Intact,
            _ => ArtifactCondition.Corrupt,
        };
    }

    public void Dispose() => database.Dispose();

    /// <summary>
    /// The database holds the copy every node reads, so a cache that cannot be written (a full or read-only disk)
    /// costs only a later fetch: failing the unit for it would fail the science for a fault outside it. Said once per
    /// node, not per artifact, so a dead cache disk does not flood the log.
    /// </summary>
    private void Cache(string hash, byte[] bytes)
    {
        try
        {
            Local.Write(hash, bytes);
            bound.Added(bytes.LongLength);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Interlocked.Exchange(ref cacheFailed, 1) == 0)
                Log.Warning("cannot cache artifacts in {Cache} ({Cause}); reading them from the database instead " +
                            "(said once)", Local.Root, e.Message);
        }
    }

    private byte[] Fetch(string hash)
    {
        using var command = database.CreateCommand($"SELECT content FROM {Table} WHERE hash = $1");
        command.Parameters.AddWithValue(hash);
        var bytes = command.ExecuteScalar() as byte[]
                    ?? throw new CorruptArtifactException($"artifact {hash} is missing from the database");
        var actual = ArtifactDirectory.HashOf(bytes);
        return actual == hash
            ? bytes
            : throw new CorruptArtifactException(
                $"artifact {hash} is corrupt in the database: its content hashes to {actual}");
    }
}
