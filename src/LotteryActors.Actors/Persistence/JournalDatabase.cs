using System.Net.Sockets;
using LotteryActors.Actors.Protocol;
using Npgsql;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// The PostgreSQL journal's server, asked once before anything uses it: Npgsql alone answers an unreachable server
/// with its own words ("Failed to connect to 127.0.0.1:1"), which name neither the setting nor where it came from.
/// A node and every command that reads the journal say it the same way, within <see cref="Timeout"/>.
/// </summary>
public static class JournalDatabase
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <exception cref="JournalUnavailableException">The server cannot be reached or refuses the login; the
    /// message says where, never the connection string itself (it may hold a password).</exception>
    public static async Task EnsureReachableAsync(string connectionString, CancellationToken cancellation = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = (int)Timeout.TotalSeconds };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellation);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException)
        {
            throw new JournalUnavailableException(
                $"cannot reach the journal database at {builder.Host}:{builder.Port} ({e.Message.Split('\n')[0]}); " +
                "start PostgreSQL or fix lottery.runtime.connection-string (LOTTERY_CONNECTION_STRING, PGPASSWORD)",
                e);
        }
    }
}
