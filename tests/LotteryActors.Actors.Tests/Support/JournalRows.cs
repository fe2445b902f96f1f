using System.Text;
using Microsoft.Data.Sqlite;

namespace LotteryActors.Actors.Tests.Support;

/// <summary>
/// The rows of a SQLite journal, read and changed with plain SQL behind Akka's back: what is journaled, and the
/// journal of a process that died at a chosen moment.
/// </summary>
public static class JournalRows
{
    public static long Count(string journal, string manifest)
    {
        using var connection = Open(journal, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE manifest = $manifest";
        command.Parameters.AddWithValue("$manifest", manifest);
        return (long)command.ExecuteScalar()!;
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
    /// Drops the ensemble and completion events and every snapshot: the journal of a process killed just before
    /// ensembling.
    /// </summary>
    public static void RewindToBeforeEnsembling(string journal)
    {
        using var connection = Open(journal, readOnly: false);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM journal WHERE manifest IN ('EnsembleEvaluated.v1', 'SearchCompleted.v1'); " +
                              "DELETE FROM snapshot;";
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string journal, bool readOnly)
    {
        var mode = readOnly ? "ReadOnly" : "ReadWrite";
        var connection = new SqliteConnection($"Data Source={journal};Mode={mode};Pooling=False");
        connection.Open();
        return connection;
    }
}
