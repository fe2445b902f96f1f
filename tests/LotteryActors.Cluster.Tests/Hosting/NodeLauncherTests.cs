using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;

namespace LotteryActors.Cluster.Tests.Hosting;

/// <summary>What <see cref="NodeLauncher"/> refuses after joining, with real nodes on 127.0.0.1.</summary>
public sealed class NodeLauncherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_node_joining_a_member_of_another_protocol_version_leaves_with_one_line()
    {
        // The member plays a node of an older release, which announced another app-version.
        var older = ClusterNode.Start(Settings("", out var runtime), runtime,
            _ => throw new InvalidOperationException("runs no work"),
            ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.cluster.app-version = \"1.0.0\""));
        try
        {
            older.Join(older.Address);
            await older.Up().WaitAsync(Patience);

            var refused = await Assert.ThrowsAsync<ClusterUnavailableException>(() => NodeLauncher.StartAsync(
                Settings($"127.0.0.1:{older.Address.Port}", out var own), own,
                ConfigurationFactory.ParseString("akka.loglevel = WARNING"), CancellationToken.None));

            Assert.Contains($"speaks cluster protocol 1.0.0 and this node {ClusterSerializer.ProtocolVersion}",
                refused.Message);
            Assert.DoesNotContain('\n', refused.Message);
        }
        finally
        {
            await older.DisposeAsync();
        }
    }

    /// <summary>A node with no roles (membership only) on a free port, joining <paramref name="seeds"/>.</summary>
    private static ClusterSettings Settings(string seeds, out RuntimeSettings runtime)
    {
        var config = LotteryConfig.FromText($$"""
            lottery.runtime { journal = postgresql, connection-string = "Host=127.0.0.1" }
            lottery.cluster { port = 0, seed-nodes = "{{seeds}}", join-timeout = 60s }
            """);
        runtime = RuntimeSettings.Read(config);
        return ClusterSettings.Read(config, runtime) with { Roles = [] };
    }
}
