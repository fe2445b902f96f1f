using System.Data.Common;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace LotteryActors.TestSupport;

/// <summary>
/// The rows of a journal, read and changed with plain SQL behind Akka's back: what is journaled, and the journal of
/// a process that died at a chosen moment. The path overloads open a SQLite file; the connection overloads read any
/// journal database (Akka.Persistence.Sql's table is the same on SQLite and PostgreSQL).
/// </summary>
public static class JournalRows
{
    public static long Count(string journal, string manifest)
    {
        using var connection = Open(journal, readOnly: true);
        return Count(connection, manifest);
    }

    public static long Count(DbConnection connection, string manifest)
    {
        using var command = ByManifest(connection, "SELECT COUNT(*) FROM journal WHERE manifest = @manifest", manifest);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>Every entry with this manifest, oldest first, as JSON.</summary>
    public static List<JsonElement> Messages(DbConnection connection, string manifest)
    {
        using var command = ByManifest(
            connection, "SELECT message FROM journal WHERE manifest = @manifest ORDER BY ordering", manifest);
        using var reader = command.ExecuteReader();
        var messages = new List<JsonElement>();
        while (reader.Read())
        {
            using var message = JsonDocument.Parse((byte[])reader["message"]);
            messages.Add(message.RootElement.Clone());
        }
        return messages;
    }

    /// <summary>What a search journals per unit on the one execution path: a completed unit with its output.
    /// </summary>
    public const string UnitCompleted = "WorkCompleted.v3";

    /// <summary>
    /// The outputs of the completed units that carry <paramref name="output"/> (<c>Run</c>, <c>Init</c>,
    /// <c>Failure</c> of a diverged run, <c>Ensemble</c>), oldest first.
    /// </summary>
    public static List<JsonElement> Outputs(DbConnection connection, string output) =>
        [.. Messages(connection, UnitCompleted).Select(m => m.GetProperty("Output").GetProperty(output))
            .Where(o => o.ValueKind != JsonValueKind.Null)];

    public static long CountOutputs(string journal, string output)
    {
        using var connection = Open(journal, readOnly: true);
        return Outputs(connection, output).Count;
    }

    /// <summary>The stored JSON of the first entry with this manifest.</summary>
    public static string First(string journal, string manifest)
    {
        using var connection = Open(journal, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE manifest = $manifest ORDER BY ordering LIMIT 1";
        command.Parameters.AddWithValue("$manifest", manifest);
        return Encoding.UTF8.GetString((byte[])command.ExecuteScalar()!);
    }

    /// <summary>
    /// Drops the ensemble and completion events (of the single-node engine or the one path) and every snapshot: the
    /// journal of a process killed just before ensembling.
    /// </summary>
    public static void RewindToBeforeEnsembling(string journal)
    {
        using var connection = Open(journal, readOnly: false);
        using var command = connection.CreateCommand();
        // The one path's ensembles are a unit: its completion goes, and recovery queues the unit again.
        command.CommandText = "DELETE FROM journal WHERE manifest IN ('EnsembleEvaluated.v1', 'SearchCompleted.v1'); " +
                              $"DELETE FROM journal WHERE manifest = '{UnitCompleted}' " +
                              "AND CAST(message AS TEXT) LIKE '%/ensembles\"%'; DELETE FROM snapshot;";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Drops every entry after the <paramref name="count"/>-th with this manifest, and every snapshot: the journal
    /// of a process killed right after journaling it.
    /// </summary>
    public static void KeepUpTo(string journal, string manifest, int count)
    {
        using var connection = Open(journal, readOnly: false);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM journal WHERE ordering > (SELECT ordering FROM journal WHERE manifest = " +
                              "$manifest ORDER BY ordering LIMIT 1 OFFSET $skip); DELETE FROM snapshot;";
        command.Parameters.AddWithValue("$manifest", manifest);
        command.Parameters.AddWithValue("$skip", count - 1);
        command.ExecuteNonQuery();
    }

    private static DbCommand ByManifest(DbConnection connection, string sql, string manifest)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@manifest";
        parameter.Value = manifest;
        command.Parameters.Add(parameter);
        return command;
    }

    private static SqliteConnection Open(string journal, bool readOnly)
    {
        var mode = readOnly ? "ReadOnly" : "ReadWrite";
        var connection = new SqliteConnection($"Data Source={journal};Mode={mode};Pooling=False");
        connection.Open();
        return connection;
    }
}
