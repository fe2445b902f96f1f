using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Protocol;
using Microsoft.Data.Sqlite;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// The embedded SQLite journal as a file. Akka.Persistence.Sql meets a corrupt file only when a journal actor
/// starts, and then fails each query after a timeout with pages of stack traces; one read here, before any actor
/// system starts, names the file and the cause at once.
/// </summary>
public static class JournalFile
{
    public static string PathIn(string home) => Path.Combine(home, "journal.db");

    /// <summary>True when the journal is SQLite and its file does not exist yet (nothing has been journaled).</summary>
    public static bool IsAbsent(RuntimeSettings runtime) =>
        runtime.Journal == JournalBackend.Sqlite && !File.Exists(PathIn(runtime.Home));

    /// <summary>Refuses an existing SQLite journal that SQLite cannot read; creates nothing.</summary>
    public static void EnsureReadable(RuntimeSettings runtime)
    {
        var path = PathIn(runtime.Home);
        if (runtime.Journal != JournalBackend.Sqlite || !File.Exists(path))
            return;
        try
        {
            // Read-write, not read-only: after kill -9 the first connection must recover the write-ahead log, and a
            // read-only one fails that with "attempt to write a readonly database" (a resume under load hit it).
            // The file exists, so ReadWrite creates nothing; on a read-only disk SQLite opens it read-only anyway.
            using var connection = new SqliteConnection($"Data Source={path};Mode=ReadWrite;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master";
            command.ExecuteScalar();
        }
        catch (SqliteException e)
        {
            throw new JournalUnavailableException($"journal {path} cannot be read: {e.Message} " +
                "(restore it from a backup, or move it away to start afresh)", e);
        }
    }
}
