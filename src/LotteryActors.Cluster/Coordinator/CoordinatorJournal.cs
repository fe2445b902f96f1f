using System.Text.Json;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Training.Spec;
using Npgsql;

namespace LotteryActors.Cluster.Coordinator;

/// <summary>
/// The coordinator's journal and newest snapshot, read with plain SQL from Akka.Persistence.Sql's tables (their
/// default mapping) and decoded as the <see cref="ClusterSerializer"/> wrote them: what the benchmark counts and
/// tests check, without starting an actor system.
/// </summary>
public static class CoordinatorJournal
{
    /// <summary>The events after sequence number <paramref name="after"/>, in order.</summary>
    public static IReadOnlyList<IClusterEvent> Events(string connectionString, long after = 0)
    {
        using var connection = Open(connectionString);
        using var query = new NpgsqlCommand(
            "SELECT manifest, message FROM journal WHERE persistence_id = @id AND sequence_number > @after " +
            "ORDER BY sequence_number", connection);
        query.Parameters.AddWithValue("id", WorkCoordinator.PersistenceIdValue);
        query.Parameters.AddWithValue("after", after);
        using var reader = query.ExecuteReader();
        var events = new List<IClusterEvent>();
        while (reader.Read())
            events.Add((IClusterEvent)Decode(reader.GetString(0), (byte[])reader[1]));
        return events;
    }

    /// <summary>The newest snapshot and the sequence number of the event it follows; null when none was saved.
    /// </summary>
    public static (long SequenceNr, CoordinatorSnapshot Snapshot)? NewestSnapshot(string connectionString)
    {
        using var connection = Open(connectionString);
        using var query = new NpgsqlCommand(
            "SELECT sequence_number, manifest, snapshot FROM snapshot WHERE persistence_id = @id " +
            "ORDER BY sequence_number DESC LIMIT 1", connection);
        query.Parameters.AddWithValue("id", WorkCoordinator.PersistenceIdValue);
        using var reader = query.ExecuteReader();
        return reader.Read()
            ? (reader.GetInt64(0), (CoordinatorSnapshot)Decode(reader.GetString(1), (byte[])reader[2]))
            : null;
    }

    /// <summary>How many snapshots are stored now (older ones are deleted after each save).</summary>
    public static long SnapshotCount(string connectionString)
    {
        using var connection = Open(connectionString);
        using var query = new NpgsqlCommand("SELECT COUNT(*) FROM snapshot WHERE persistence_id = @id", connection);
        query.Parameters.AddWithValue("id", WorkCoordinator.PersistenceIdValue);
        return (long)query.ExecuteScalar()!;
    }

    private static NpgsqlConnection Open(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>An entry under today's manifest or an older one still read (a snapshot saved before an upgrade).
    /// </summary>
    private static object Decode(string manifest, byte[] bytes) =>
        JsonSerializer.Deserialize(bytes, ClusterSerializer.TypesByManifest.GetValueOrDefault(manifest)
            ?? ClusterSerializer.OlderJournalManifests[manifest], SpecNames.Json)!;
}
