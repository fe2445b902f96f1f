using System.CommandLine;
using LotteryActors.Actors.Configuration;
using LotteryActors.Benchmarks.Cluster;
using LotteryActors.Cli.Output;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>bench cluster --config spec.conf</c>: the cluster on this machine with real <c>lottery node</c> processes
/// (<see cref="ClusterBenchmark"/>): one node with two slots against two nodes with one slot each, and the seconds
/// from the SIGKILL of a trainer node, and of the coordinator's node, until the work goes on. Minutes: it runs the
/// config's search twice and half of it once more.
/// </summary>
public static class ClusterBenchCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("cluster",
            "Measure the cluster here: two one-slot nodes against one two-slot node, and the time to recover from " +
            "the SIGKILL of a trainer node and of the coordinator's node")
        {
            config, json,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(() =>
        {
            var path = parse.GetValue(config) ?? throw new SpecException("--config",
                "is missing; allowed: the spec file that every node and the client include");
            var setup = CommandSetup.Load(path, logToFile: false);
            CoordinatorBenchCommand.RequirePostgres();
            var spec = setup.ReadSpec();
            // The nodes journal to the benchmark's own server; the settings are read as a cluster node reads them.
            var runtime = setup.Runtime with { Journal = JournalBackend.Postgresql };
            var report = ClusterBenchmark.Measure(Path.GetFullPath(path), CoordinatorScaling.UnitsOf(spec),
                ClusterSettings.Read(setup.Config, runtime));
            if (parse.GetValue(json))
                JsonOutput.Write(report);
            else
                Print(report);
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    private static void Print(ClusterBenchReport r)
    {
        var (o, k, s) = (Results.Out, r.Kills, r.Settings);
        o.WriteLine($"{r.Units} units: one node with 2 slots {r.OneNodeTwoSlotsSeconds:F1} s, two nodes with 1 slot " +
                    $"{r.TwoNodesOneSlotSeconds:F1} s; cluster overhead {r.OverheadShare:P1} of wall time");
        o.WriteLine($"SIGKILL of a trainer node: its unit leased elsewhere after {k.TrainerUnitElsewhereSeconds:F1} s " +
                    $"({k.TrainerLeaseEnd})");
        o.WriteLine($"SIGKILL of the coordinator's node: successor's first event after " +
                    $"{k.CoordinatorFirstEventSeconds:F1} s, first lease after {k.CoordinatorFirstLeaseSeconds:F1} s");
        o.WriteLine($"settings: heartbeat pause {s.AcceptableHeartbeatPauseSeconds:0} s, stable-after " +
                    $"{s.StableAfterSeconds:0} s, down-removal-margin {s.DownRemovalMarginSeconds:0} s, database " +
                    $"lease {s.DatabaseLeaseTimeoutSeconds:0} s, lease-timeout {s.LeaseTimeoutSeconds:0} s, " +
                    $"expiry-check {s.ExpiryCheckSeconds:0} s, pull-every {s.PullEverySeconds:0} s, hand-over retry " +
                    $"{s.HandOverRetryIntervalSeconds:0} s");
    }
}
