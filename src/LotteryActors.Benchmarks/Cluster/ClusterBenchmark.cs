using System.Text.Json;
using Akka.Cluster.Tools.Singleton;
using LotteryActors.Benchmarks.Harness;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using static LotteryActors.Cluster.Protocol.ClusterEvents;

namespace LotteryActors.Benchmarks.Cluster;

/// <summary>
/// The cluster on one machine, with real <c>lottery node</c> processes over a throwaway PostgreSQL, one database
/// per phase, the same spec each time:
/// <list type="number">
/// <item>one node with two slots, then two nodes with one slot each: the search's span in the journal (from its
/// submission to its last result), and the cluster's overhead as the share of the two-node span that the one-node
/// span does not need;</item>
/// <item>three nodes (a coordinator, a coordinator+trainer and a trainer, one slot each): the trainer node is
/// SIGKILLed while it trains a unit (seconds until that unit is leased to another node), then the coordinator's
/// node (seconds until the successor journals its first event, and its first lease). The settings that govern
/// these come with them.</item>
/// </list>
/// Every node runs one libtorch thread per slot, so both layouts use the machine's two cores alike.
/// </summary>
public static class ClusterBenchmark
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the old singleton's node is asked to hand over (Akka's default; the nodes leave it).
    /// </summary>
    private static readonly TimeSpan HandOverRetryInterval = ClusterSingleton.DefaultConfig()
        .GetTimeSpan("akka.cluster.singleton.hand-over-retry-interval");

    /// <param name="config">The spec (and settings) every node and the client include; absolute path.</param>
    /// <param name="units">How many units the spec's search has (its init draws and runs).</param>
    /// <param name="cluster">The settings the nodes read from <paramref name="config"/>, reported with the times.
    /// </param>
    public static ClusterBenchReport Measure(string config, int units, ClusterSettings cluster)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"lottery-bench-cluster-{Guid.NewGuid():N}");
        try
        {
            using var server = new TempPostgres();
            var one = Span(server, Path.Combine(folder, "one"), config, units, [2]);
            var two = Span(server, Path.Combine(folder, "two"), config, units, [1, 1]);
            var kills = Kills(server, Path.Combine(folder, "kills"), config);
            return new ClusterBenchReport(units, one, two, (two - one) / two, kills, new GoverningSettings(
                cluster.HeartbeatPause.TotalSeconds, cluster.StableAfter.TotalSeconds,
                cluster.Work.LeaseTimeout.TotalSeconds, cluster.Work.ExpiryCheck.TotalSeconds,
                cluster.Work.PullEvery.TotalSeconds, HandOverRetryInterval.TotalSeconds)
            {
                DownRemovalMarginSeconds = cluster.DownRemovalMargin.TotalSeconds,
                DatabaseLeaseTimeoutSeconds = cluster.Lease?.HeartbeatTimeout.TotalSeconds,
            });
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A killed node may still be releasing files; the OS temp cleaner takes what is left.
            }
        }
    }

    /// <summary>
    /// Seconds from the search's submission to its last result, as the coordinator journaled them, on nodes with
    /// these slot counts (the first also hosts the coordinator).
    /// </summary>
    private static double Span(TempPostgres server, string folder, string config, int units, int[] slots)
    {
        var database = server.NewDatabase();
        using var lab = new LocalCluster(folder, database, config, NodeHocon(folder));
        var ports = slots.Select(_ => FreePort.Next()).ToArray();
        var seeds = LocalCluster.Seeds(ports);
        var nodes = slots.Select((n, i) => lab.Start($"node-{i}", i == 0 ? "coordinator,trainer" : "trainer",
            ports[i], seeds, n)).ToList();
        foreach (var node in nodes)
            node.WaitForLog("is up with roles", Limit);
        Submit(lab, seeds, wait: true);
        var journal = CoordinatorJournal.Events(database);
        var completed = journal.OfType<WorkCompleted>().ToList();
        if (completed.Count != units)
            throw new InvalidOperationException($"{completed.Count} unit(s) journaled as done, {units} expected");
        return (completed.Max(c => c.OccurredAt) - journal.OfType<SearchSubmitted>().Single().OccurredAt)
            .TotalSeconds;
    }

    /// <summary>
    /// A coordinator node started first (the oldest, so it hosts the singleton) with the highest port, so that when
    /// it dies the survivors stay up and take the singleton over under either downing (lease-majority: they take
    /// the database lease; keep-majority: a tie keeps the lower address); a coordinator+trainer node; a trainer
    /// node. The coordinator trains nothing: a search of two tickets keeps two slots busy, and a third slot on the
    /// oldest node, which asks first, would leave the trainer node idle.
    /// </summary>
    private static KillTimes Kills(TempPostgres server, string folder, string config)
    {
        var database = server.NewDatabase();
        using var lab = new LocalCluster(folder, database, config, NodeHocon(folder));
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).Order().ToArray();
        var seeds = LocalCluster.Seeds([ports[2], ports[1], ports[0]]);
        var oldest = lab.Start("coordinator-a", "coordinator", ports[2], seeds);
        oldest.WaitForLog("is up with roles", Limit);
        var next = lab.Start("coordinator-b", "coordinator,trainer", ports[1], seeds);
        var trainer = lab.Start("trainer", "trainer", ports[0], seeds);
        next.WaitForLog("is up with roles", Limit);
        trainer.WaitForLog("is up with roles", Limit);
        Submit(lab, seeds, wait: false);

        var unit = WaitFor(() => LocalCluster.TrainingSince(trainer, 0), "the trainer node to train a unit");
        trainer.Kill();
        var trainerKilled = DateTimeOffset.UtcNow;
        var elsewhere = WaitFor(() => CoordinatorJournal.Events(database).OfType<WorkLeased>()
            .FirstOrDefault(l => l.WorkId == unit && l.OccurredAt > trainerKilled), "the unit to be leased again");
        var ended = CoordinatorJournal.Events(database).OfType<LeaseEnded>().First(e => e.WorkId == unit);

        oldest.Kill();
        var coordinatorKilled = DateTimeOffset.UtcNow;
        var first = WaitFor(() => CoordinatorJournal.Events(database).FirstOrDefault(e =>
            e.OccurredAt > coordinatorKilled), "the successor's first event");
        var lease = WaitFor(() => CoordinatorJournal.Events(database).OfType<WorkLeased>().FirstOrDefault(e =>
            e.OccurredAt > coordinatorKilled), "the successor's first lease");
        next.WaitForLog("coordinator recovered", Limit);
        return new KillTimes((elsewhere.OccurredAt - trainerKilled).TotalSeconds, ended.Reason,
            (first.OccurredAt - coordinatorKilled).TotalSeconds, (lease.OccurredAt - coordinatorKilled).TotalSeconds);
    }

    private static void Submit(LocalCluster lab, string seeds, bool wait)
    {
        string[] arguments = wait
            ? ["submit", "--config", lab.Config("client"), "--json", "--wait"]
            : ["submit", "--config", lab.Config("client"), "--json"];
        var submitted = CliProcess.Run(Limit, lab.Environment(seeds), arguments);
        if (submitted.ExitCode != 0)
            throw new InvalidOperationException($"submit exited {submitted.ExitCode}: {submitted.Stderr}");
        JsonDocument.Parse(submitted.Stdout).Dispose();
    }

    private static T WaitFor<T>(Func<T?> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow + Limit;
        for (var found = probe(); ; found = probe())
        {
            if (found is not null)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no {what} within {Limit}");
            Thread.Sleep(Poll);
        }
    }

    /// <summary>
    /// One libtorch thread per slot on every node (a one-slot node would take both cores by default), the journal
    /// on the throwaway server, and one artifact folder for the phase's nodes, as a lab's shared mount.
    /// </summary>
    private static string NodeHocon(string folder) => $$"""
        lottery.runtime {
          journal = postgresql
          torch-threads = 1
          artifacts = {{JsonSerializer.Serialize(Path.Combine(folder, "artifacts"))}}
        }
        """;
}

/// <summary>What <c>bench cluster</c> measured; seconds throughout.</summary>
/// <param name="OverheadShare">(two-node span − one-node span) / two-node span.</param>
public sealed record ClusterBenchReport(
    int Units,
    double OneNodeTwoSlotsSeconds,
    double TwoNodesOneSlotSeconds,
    double OverheadShare,
    KillTimes Kills,
    GoverningSettings Settings);

/// <param name="TrainerUnitElsewhereSeconds">From the SIGKILL of a trainer node to its unit's lease to another.
/// </param>
/// <param name="TrainerLeaseEnd">How the dead node's lease ended: Unreachable (as soon as the cluster stopped hearing
/// it), NodeLeft (downed) or Expired (deadline).</param>
/// <param name="CoordinatorFirstEventSeconds">From the SIGKILL of the coordinator's node to the successor's first
/// journaled event.</param>
/// <param name="CoordinatorFirstLeaseSeconds">…to the successor's first lease: the search running again.</param>
public sealed record KillTimes(
    double TrainerUnitElsewhereSeconds,
    LeaseEndReason TrainerLeaseEnd,
    double CoordinatorFirstEventSeconds,
    double CoordinatorFirstLeaseSeconds);

/// <summary>The settings that bound the kill times: failure detection, downing, leases, the singleton's hand-over.
/// </summary>
public sealed record GoverningSettings(
    double AcceptableHeartbeatPauseSeconds,
    double StableAfterSeconds,
    double LeaseTimeoutSeconds,
    double ExpiryCheckSeconds,
    double PullEverySeconds,
    double HandOverRetryIntervalSeconds)
{
    /// <summary>How long a downed coordinator's node stays a member before its singleton moves.</summary>
    public double DownRemovalMarginSeconds { get; init; }

    /// <summary>How long a dead coordinator's database lease blocks its successor; null without one.</summary>
    public double? DatabaseLeaseTimeoutSeconds { get; init; }
}
