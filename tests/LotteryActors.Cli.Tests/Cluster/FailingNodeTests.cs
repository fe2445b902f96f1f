using System.Text.Json;
using LotteryActors.Cli.Tests.Support;
using LotteryActors.Cluster.Protocol;

namespace LotteryActors.Cli.Tests.Cluster;

/// <summary>
/// A trainer node that fails every unit for a reason outside the science (its artifact disk is full: a tmpfs filled
/// to the last byte: every artifact write fails there, and so does every read of one the other node wrote), beside a
/// healthy coordinator+trainer node, real processes over a throwaway PostgreSQL. The failing node gives its units
/// back, is cordoned after <c>work.cordon-after</c> give-backs, and <c>lottery nodes</c> says so; no ticket fails,
/// and the search ends with the document a single node's <c>lottery search</c> prints.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class FailingNodeTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    private static readonly string NodeHocon = $$"""
        {{SearchWorkspace.Search}}
        lottery.runtime { chunk-iterations = 10, torch-threads = 1, min-backoff = 100ms }
        lottery.cluster {
          stable-after = 3s
          failure-detector.acceptable-heartbeat-pause = 10s
          lease { heartbeat-timeout = 6s, heartbeat-interval = 1s }
          join-timeout = 90s
          work { lease-timeout = 8s, expiry-check = 1s, renew-every = 2s, pull-every = 1s, redeliver-every = 1s }
        }
        """;

    private readonly ProcessCluster lab = new("cordon", NodeHocon);

    public void Dispose() => lab.Dispose();

    [PostgresAndMountFact]
    public void A_trainer_node_whose_disk_is_full_is_cordoned_and_the_search_ends_as_on_a_single_node()
    {
        // libtorch sums in an order that depends on its thread count: one thread here as on the nodes.
        using var workspace = new SearchWorkspace("lottery.runtime.torch-threads = 1");
        var alone = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        Assert.True(alone.ExitCode == 0, alone.Stderr);
        using var disk = SmallDisk.Mount("1m");
        disk.Fill();

        var cluster = lab.Nodes!;
        var ports = new[] { FreePort.Next(), FreePort.Next() };
        var seeds = LocalCluster.Seeds([ports[0]]);
        var healthy = cluster.Start("healthy", "coordinator,trainer", ports[0], seeds);
        healthy.WaitForLog("is up with roles", Limit);
        var full = cluster.Start("full", "trainer", ports[1], seeds,
            own: $"lottery.runtime.artifacts = \"{disk.Path}\"");
        full.WaitForLog("is up with roles", Limit);
        // The client reads the weights where the healthy node wrote them, as a machine with the shared mount would.
        var client = cluster.Config("client",
            $"lottery.runtime.artifacts = \"{Path.Combine(lab.Folder, "healthy", "artifacts")}\"");
        string[] Lottery(params string[] args) => [.. args, "--config", client];

        var followed = CliProcess.Run(Limit, cluster.Environment(seeds), Lottery("submit", "--wait", "--json"));

        Assert.True(followed.ExitCode == 0, followed.Stderr);
        Assert.Equal(alone.Stdout, followed.Stdout);
        var fullNode = $"@127.0.0.1:{ports[1]}#";
        Assert.Single(lab.Journal<ClusterEvents.NodeCordoned>(),
            e => e.GetProperty("Node").GetString()!.Contains(fullNode));
        Assert.Empty(lab.Journal<ClusterEvents.WorkFailed>());
        Assert.DoesNotContain(lab.Journal<ClusterEvents.WorkCompleted>(),
            e => e.GetProperty("Node").GetString()!.Contains(fullNode));
        var listed = CliProcess.Run(Limit, cluster.Environment(seeds), Lottery("nodes", "--json"));
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        var row = Assert.Single(JsonDocument.Parse(listed.Stdout).RootElement.GetProperty("nodes").EnumerateArray(),
            r => r.GetProperty("address").GetString() == $"127.0.0.1:{ports[1]}");
        // Why: the last unit's cause, a write to the full disk or a read of an artifact only the other node has.
        Assert.False(string.IsNullOrEmpty(row.GetProperty("cordoned").GetString()), listed.Stdout);
    }
}
