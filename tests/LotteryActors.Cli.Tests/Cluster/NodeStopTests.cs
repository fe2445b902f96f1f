using System.Diagnostics;
using System.Text.Json;
using LotteryActors.Cli.Tests.Support;
using LotteryActors.Cluster.Protocol;

namespace LotteryActors.Cli.Tests.Cluster;

/// <summary>
/// <c>lottery node</c> stopped as a person (Ctrl-C) or systemd and <c>docker stop</c> (SIGTERM) stop it, while it
/// trains a unit that needs far longer than the 2 s System.CommandLine gives a command before it ends the process
/// (exit 130 or 143): real node processes on 127.0.0.1 over a throwaway PostgreSQL, a coordinator-only node and two
/// trainer nodes, each stopped in the middle of a unit. One may drain for minutes (Ctrl-C): it finishes its unit,
/// which is journaled once as its result, and exits 0. The other may drain for 3 s only (SIGTERM): it exits 0 once
/// they have passed, and its unit goes back to the queue as a lease ended by its leaving, not as a give-back.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class NodeStopTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    // Units of 60 epochs on 3,500 images: several seconds each even on an idle machine, so a SIGTERM that comes as a
    // unit starts leaves it more than 2 s of work (the test checks that it did).
    private static readonly string NodeHocon = $$"""
        {{SearchWorkspace.Search}}
        lottery.search.training.duration = "60ep"
        lottery.runtime { chunk-iterations = 10, torch-threads = 1, artifact-store = postgresql }
        lottery.cluster {
          stable-after = 3s
          failure-detector.acceptable-heartbeat-pause = 10s
          lease { heartbeat-timeout = 6s, heartbeat-interval = 1s }
          join-timeout = 90s
          work { lease-timeout = 8s, expiry-check = 1s, renew-every = 2s, pull-every = 1s, redeliver-every = 1s }
        }
        """;

    private readonly ProcessCluster lab = new("stop", NodeHocon);

    public void Dispose() => lab.Dispose();

    [PostgresFact]
    public void A_node_stopped_mid_unit_by_Ctrl_C_or_SIGTERM_drains_to_its_end_or_its_drain_timeout_and_exits_0()
    {
        var cluster = lab.Nodes!;
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).ToArray();
        var seeds = LocalCluster.Seeds([ports[0]]);
        var coordinator = cluster.Start("coordinator", "coordinator", ports[0], seeds);
        coordinator.WaitForLog("is up with roles", Limit);
        const string drainFor = "lottery.cluster.work.drain-timeout";
        var patient = cluster.Start("patient", "trainer", ports[1], seeds, own: $"{drainFor} = 3m");
        var hasty = cluster.Start("hasty", "trainer", ports[2], seeds, own: $"{drainFor} = 3s");
        foreach (var node in new[] { patient, hasty })
            node.WaitForLog("is up with roles", Limit);
        var client = cluster.Config("client", $"lottery.cluster.seed-nodes = \"{seeds}\"");
        var submitted = CliProcess.Run(Limit, new Dictionary<string, string?>
        {
            ["LOTTERY_CONNECTION_STRING"] = lab.Postgres!.ConnectionString,
        }, "submit", "--config", client);
        Assert.True(submitted.ExitCode == 0, submitted.Stderr);

        // The search's two first training units (its tickets' dense runs), one on each trainer node.
        var patientUnit = WaitForTraining(patient);
        var hastyUnit = WaitForTraining(hasty);
        var clock = Stopwatch.StartNew();
        // Ctrl-C where one can reach the node; where this run ignores SIGINT (started in the background without job
        // control), so does the node, and SIGTERM stops it instead, through the same handler and the same drain.
        if (CliProcess.InterruptIgnored)
            patient.Terminate();
        else
            patient.Interrupt();
        hasty.Terminate();
        var hastyExit = hasty.WaitForExit(Limit);
        var hastyTook = clock.Elapsed;
        var patientExit = patient.WaitForExit(Limit);
        var patientTook = clock.Elapsed;

        Assert.True(patientExit.ExitCode == 0, patientExit.Stderr);
        Assert.True(hastyExit.ExitCode == 0, hastyExit.Stderr);
        Assert.True(patientTook > TimeSpan.FromSeconds(3),
            $"the patient node's unit had {patientTook} of work left: too little to show anything");
        Assert.Contains("drained: every unit this node ran is finished and acknowledged", patientExit.Stderr);
        Assert.Contains("has passed: what still runs here goes back to the queue", hastyExit.Stderr);
        Poll.Until(() => lab.Journal<ClusterEvents.LeaseEnded>().Any(e => Is(e, hastyUnit, ports[2])),
            "the hasty node's lease to end", Limit);

        // The patient node's unit: its result, journaled once, and its lease never ended.
        var completed = lab.Journal<ClusterEvents.WorkCompleted>();
        Assert.Single(completed, c => c.GetProperty("WorkId").GetString() == patientUnit);
        Assert.True(Is(completed.Single(c => c.GetProperty("WorkId").GetString() == patientUnit), patientUnit,
            ports[1]), "another node than the patient one journaled its unit");
        Assert.DoesNotContain(lab.Journal<ClusterEvents.LeaseEnded>(), e => Is(e, patientUnit, ports[1]));
        // The hasty node's unit: back in the queue because the node left, not counted as a give-back, no result.
        var ended = Assert.Single(lab.Journal<ClusterEvents.LeaseEnded>(), e => Is(e, hastyUnit, ports[2]));
        Assert.Equal("node-left", ended.GetProperty("Reason").GetString());
        Assert.DoesNotContain(completed, c => Is(c, hastyUnit, ports[2]));
        Assert.True(hastyTook < patientTook, $"the hasty node left after {hastyTook}, the patient one {patientTook}");
    }

    /// <summary>The training unit the node logs starting first; it is leased to the node and running now.</summary>
    private static string WaitForTraining(CliProcess node)
    {
        string? unit = null;
        Poll.Until(() => (unit = LocalCluster.TrainingSince(node, fromLine: 0)) is not null, "a training unit", Limit);
        return unit!;
    }

    private static bool Is(JsonElement row, string workId, int port) =>
        row.GetProperty("WorkId").GetString() == workId &&
        row.GetProperty("Node").GetString()!.Contains($"@127.0.0.1:{port}#", StringComparison.Ordinal);

}
