using System.Net;
using System.Net.Sockets;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Commands;

/// <summary>
/// <c>lottery node</c> and <c>lottery submit</c> as real processes: what stops a node before it is a member, or a
/// submission before it reaches the cluster, is one line on stderr and a documented exit code, soon, never a hang.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class NodeCommandTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lottery-node-{Guid.NewGuid():N}");

    public NodeCommandTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_cluster_config_on_the_sqlite_journal_is_refused_with_exit_2()
    {
        var result = Node("lottery.runtime.journal = sqlite");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: invalid setting 'lottery.runtime.journal'", result.Stderr);
        Assert.Contains("a cluster needs postgresql", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_node_whose_port_is_in_use_exits_5_naming_the_port()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = Node($"lottery.cluster {{ roles = trainer, port = {port} }}");

        Assert.Equal(5, result.ExitCode);
        Assert.Equal($"error: port {port} on 127.0.0.1 is in use (another node?); set lottery.cluster.port or " +
                     "LOTTERY_PORT", result.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public void A_node_whose_metrics_port_is_in_use_exits_5_in_one_line_naming_the_setting()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = Node($"lottery.runtime.metrics.port = {port}\nlottery.cluster.port = 0");

        Assert.Equal(5, result.ExitCode);
        Assert.Equal(NodeMetricFamilies.PortInUse(port), result.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public void A_coordinator_node_whose_journal_database_is_unreachable_exits_5_in_one_line()
    {
        var closed = ClosedPort();

        var result = Node($"lottery.runtime.connection-string = \"Host=127.0.0.1;Port={closed};Username=x\"\n" +
                          "lottery.cluster.port = 0");

        Assert.Equal(5, result.ExitCode);
        Assert.StartsWith($"error: cannot reach the journal database at 127.0.0.1:{closed}", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
    }

    /// <summary>
    /// A trainer keeps its artifacts in the database: the launcher's check speaks before the artifact store (which
    /// opens the database at once) could answer in Npgsql's words.
    /// </summary>
    [Fact]
    public void A_trainer_node_whose_artifact_database_is_unreachable_exits_5_in_the_launchers_one_line()
    {
        var closed = ClosedPort();

        var result = Node($$"""
            lottery.runtime {
              artifact-store = postgresql
              connection-string = "Host=127.0.0.1;Port={{closed}};Username=x"
            }
            lottery.cluster { roles = trainer, port = 0 }
            """);

        Assert.Equal(5, result.ExitCode);
        Assert.StartsWith($"error: cannot reach the journal database at 127.0.0.1:{closed}", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_node_that_reaches_no_seed_node_gives_up_after_the_join_timeout_with_exit_5()
    {
        var result = Node($"lottery.cluster {{ roles = trainer, port = 0, seed-nodes = \"127.0.0.1:{ClosedPort()}\", " +
                          "join-timeout = 3s }");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("error: could not join the cluster through seed nodes 127.0.0.1:", result.Stderr);
        Assert.Contains("is a seed node running and reachable", result.Stderr);
    }

    /// <summary>
    /// A node stopped (SIGTERM, as systemd or docker stop does) while it still waits for a seed node: it held no
    /// work, so it is an ordinary stop, exit 0 with no error line and no wait for the join timeout. It used to be
    /// "unexpected failure (a bug)", exit 1: the stop surfaced as a cancelled task from the join.
    /// </summary>
    [Fact]
    public void A_node_stopped_before_it_joined_exits_0_at_once_without_an_error()
    {
        var config = Config("node", "lottery.cluster { roles = trainer, port = 0, " +
                                    $"seed-nodes = \"127.0.0.1:{ClosedPort()}\", join-timeout = 60s }}");
        using var node = CliProcess.Start("node", "--config", config);
        // Akka's cluster starts up (in the log file only): the node is trying its seed node now.
        var log = Path.Combine(folder, "home", "logs");
        var deadline = DateTime.UtcNow + Limit;
        while (!(Directory.Exists(log) && Directory.EnumerateFiles(log).Any(f => Read(f).Contains("Starting up"))))
        {
            Assert.False(node.HasExited || DateTime.UtcNow > deadline, $"it never tried to join:\n{node.Stderr}");
            Thread.Sleep(100);
        }

        node.Terminate();
        var result = node.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Empty(result.ErrorLines);
    }

    /// <summary>A file the node is still writing.</summary>
    private static string Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    private CliResult Node(string settings) => Run("node", settings);

    private CliResult Run(string command, string settings) =>
        CliProcess.Run(Limit, command, "--config", Config(command, settings));

    private string Config(string command, string settings)
    {
        var config = Path.Combine(folder, $"{command}.conf");
        File.WriteAllText(config, $"""
            include "{Path.Combine(AppContext.BaseDirectory, "hocon", "cluster.conf")}"
            lottery.runtime.home = "{Path.Combine(folder, "home")}"
            {settings}
            """);
        return config;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
