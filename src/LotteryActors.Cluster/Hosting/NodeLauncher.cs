using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Persistence;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Hosting;

/// <summary>
/// Starts a node for the command line, turning what can go wrong before it is a member into one line each, and
/// never waiting without end: a port in use, the cluster's database out of reach, no seed node answering.
/// </summary>
public static class NodeLauncher
{
    /// <summary>
    /// Checks what it can first, then builds the node: a trainer node's runners come from the one
    /// <see cref="NodeBuilder"/> (device, threads, artifact store, datasets once), made only after the checks, since
    /// its PostgreSQL artifact store opens the database at once and would report it out of reach in Npgsql's words.
    /// The node owns the builder and frees it after its actor system has stopped.
    /// </summary>
    /// <exception cref="ClusterUnavailableException">The node could not start or join; the message says why.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> fired before the node joined;
    /// what was started is stopped.</exception>
    public static async Task<ClusterNode> StartAsync(ClusterSettings cluster, RuntimeSettings runtime,
        Config overrides, CancellationToken cancellation)
    {
        // A coordinator journals there; a trainer with the PostgreSQL artifact store reads and writes blobs there.
        if (cluster.IsCoordinator || cluster.IsTrainer && runtime.ArtifactBackend == ArtifactBackendKind.Postgresql)
            await JournalDatabase.EnsureReachableAsync(runtime.ConnectionString, cancellation);
        CheckPortFree(cluster.Hostname, cluster.Port);
        var builder = cluster.IsTrainer ? new NodeBuilder(runtime) : null;
        RunnerSource runners = builder is null ? NoWork : builder.Runner;
        ClusterNode node;
        try
        {
            node = ClusterNode.Start(cluster, runtime, runners, overrides, builder);
        }
        catch
        {
            builder?.Dispose();
            throw;
        }
        try
        {
            await node.Up().WaitAsync(cluster.JoinTimeout, cancellation);
        }
        catch (OperationCanceledException)
        {
            // Stopped (SIGTERM, Ctrl-C) before it joined: nothing runs here yet, so it leaves without a word.
            await node.DisposeAsync();
            throw;
        }
        catch (TimeoutException)
        {
            await node.DisposeAsync();
            throw new ClusterUnavailableException(
                $"could not join the cluster through seed nodes {string.Join(", ", cluster.SeedNodes)} within " +
                $"{cluster.JoinTimeout.TotalSeconds:0} s: is a seed node running and reachable from here " +
                "(lottery.cluster.seed-nodes, LOTTERY_SEED_NODES)?");
        }
        await RefuseOtherProtocolAsync(node);
        return node;
    }

    /// <summary>
    /// A member that speaks another version of the cluster protocol would drop this node's messages, or this node
    /// its messages, without a word: the node leaves at once, saying so in one line, instead of idling or looping.
    /// </summary>
    private static async Task RefuseOtherProtocolAsync(ClusterNode node)
    {
        var cluster = Akka.Cluster.Cluster.Get(node.System);
        var own = cluster.SelfMember.AppVersion;
        if (cluster.State.Members.FirstOrDefault(m => !m.AppVersion.Equals(own)) is not { } other)
            return;
        await node.DisposeAsync();
        throw new ClusterUnavailableException(
            $"member {other.Address} speaks cluster protocol {other.AppVersion} and this node {own}: run the same " +
            "version of lottery on every machine");
    }

    /// <summary>The runners of a node without the trainer role: it is never offered work.</summary>
    private static ImpRunner NoWork(SearchSpec spec) =>
        throw new InvalidOperationException("a node without the trainer role runs no work");

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
