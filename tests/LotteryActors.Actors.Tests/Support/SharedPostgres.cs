using LotteryActors.Cli.Tests.Support;
using Npgsql;

namespace LotteryActors.Actors.Tests.Support;

/// <summary>
/// One throwaway PostgreSQL server per test class (an xunit class fixture), started on first use, with a fresh
/// database for each test: starting a server takes seconds, creating a database a fraction of one.
/// </summary>
public sealed class SharedPostgres : IDisposable
{
    private readonly Lazy<TempPostgres> server = new(() => TempPostgres.WhyNot is { } reason
        ? throw new InvalidOperationException($"{reason}; deploy/setup.sh installs it")
        : new TempPostgres());

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string NewDatabase()
    {
        var name = $"test_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(server.Value.ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(server.Value.ConnectionString) { Database = name }.ConnectionString;
    }

    public void Dispose()
    {
        if (!server.IsValueCreated)
            return;
        NpgsqlConnection.ClearAllPools();
        server.Value.Dispose();
    }
}
