using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Trainers;
using Npgsql;

namespace LotteryActors.Cluster.Hosting;

/// <summary>
/// Starts a node for the command line, turning what can go wrong before it is a member into one line each, and
/// never waiting without end: a port in use, a journal database out of reach, no seed node answering.
/// </summary>
public static class NodeLauncher
{
    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(10);

    /// <exception cref="ClusterUnavailableException">The node could not start or join; the message says why.
    /// </exception>
    public static async Task<ClusterNode> StartAsync(ClusterSettings cluster, RuntimeSettings runtime,
        RunnerSource runners, Config overrides, CancellationToken cancellation)
    {
        if (cluster.IsCoordinator)
            await CheckJournalAsync(runtime.ConnectionString, cancellation);
        CheckPortFree(cluster.Hostname, cluster.Port);
        var node = ClusterNode.Start(cluster, runtime, runners, overrides);
        try
        {
            await node.Up().WaitAsync(cluster.JoinTimeout, cancellation);
            return node;
        }
        catch (TimeoutException)
        {
            await node.DisposeAsync();
            throw new ClusterUnavailableException(
                $"could not join the cluster through seed nodes {string.Join(", ", cluster.SeedNodes)} within " +
                $"{cluster.JoinTimeout.TotalSeconds:0} s: is a seed node running and reachable from here " +
                "(lottery.cluster.seed-nodes, LOTTERY_SEED_NODES)?");
        }
    }

    private static async Task CheckJournalAsync(string connectionString, CancellationToken cancellation)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = (int)DatabaseTimeout.TotalSeconds,
        };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellation);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException)
        {
            throw new ClusterUnavailableException(
                $"cannot reach the journal database at {builder.Host}:{builder.Port} ({e.Message.Split('\n')[0]}); " +
                "start PostgreSQL or fix lottery.runtime.connection-string (LOTTERY_CONNECTION_STRING, PGPASSWORD)");
        }
    }

    /// <summary>Akka would report a taken port as a stack of transport exceptions; this says it in one line.</summary>
    private static void CheckPortFree(string hostname, int port)
    {
        if (port == 0)
            return;
        var address = IPAddress.TryParse(hostname, out var ip) ? ip : Dns.GetHostAddresses(hostname)[0];
        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new ClusterUnavailableException(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"port {port} on {hostname} is in use (another node?); set lottery.cluster.port or LOTTERY_PORT"
                : $"cannot listen on {hostname}:{port}: {e.Message}");
        }
        finally
        {
            listener.Stop();
        }
    }
}

/// <summary>A node could not start or join its cluster: an environmental fault, fixed outside the program.</summary>
public sealed class ClusterUnavailableException(string message) : IOException(message);
