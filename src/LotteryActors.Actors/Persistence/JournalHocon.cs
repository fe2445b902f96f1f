using System.Text.Json;
using LotteryActors.Actors.Configuration;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// Akka.Persistence.Sql settings for the journal, the snapshot store and the read journal, all on one database:
/// an embedded SQLite file in the runtime home by default, PostgreSQL for a cluster.
/// </summary>
public static class JournalHocon
{
    public static string For(RuntimeSettings runtime)
    {
        var (connection, provider) = runtime.Journal switch
        {
            JournalBackend.Sqlite => ($"Data Source={Path.Combine(runtime.Home, "journal.db")};Pooling=True", "SQLite.MS"),
            _ => (runtime.ConnectionString, "PostgreSQL.15"),
        };
        var quoted = JsonSerializer.Serialize(connection);
        return $$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql { connection-string = {{quoted}}, provider-name = "{{provider}}", auto-initialize = true }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql { connection-string = {{quoted}}, provider-name = "{{provider}}", auto-initialize = true }
              }
              query.journal.sql {
                connection-string = {{quoted}}
                provider-name = "{{provider}}"
                write-plugin = "akka.persistence.journal.sql"
              }
            }
            """;
    }
}
