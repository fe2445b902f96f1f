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
    public string NewDatabase() => server.Value.NewDatabase();

    /// <summary>Runs one statement with positional parameters ($1, $2 ...) and returns its scalar, if any.</summary>
    public static object? Execute(string connectionString, string sql, params object[] values)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
            command.Parameters.AddWithValue(value);
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        if (!server.IsValueCreated)
            return;
        NpgsqlConnection.ClearAllPools();
        server.Value.Dispose();
    }
}
