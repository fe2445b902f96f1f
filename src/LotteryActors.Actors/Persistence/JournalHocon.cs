using System.Text.Json;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// Akka.Persistence.Sql settings for the journal, the snapshot store and the read journal, all on one database:
/// an embedded SQLite file in the runtime home by default, PostgreSQL for a cluster.
/// </summary>
public static class JournalHocon
{
    /// <summary>Akka settings for every actor system that writes or reads the journal: its serializer and plugin.
    /// </summary>
    public static Config AkkaConfig(RuntimeSettings runtime, Config? overrides = null)
    {
        var config = ConfigurationFactory.ParseString(string.Join('\n', SearchJournalSerializer.Hocon, For(runtime)))
            .WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration);
        return overrides is null ? config : overrides.WithFallback(config);
    }

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
