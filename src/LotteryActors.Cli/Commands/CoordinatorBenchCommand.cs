using System.CommandLine;
using LotteryActors.Actors.Configuration;
using LotteryActors.Benchmarks.Cluster;
using LotteryActors.Benchmarks.Harness;
using LotteryActors.Cli.Output;
using LotteryActors.Cluster.Hosting;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>bench coordinator</c>: how far one cluster coordinator scales (<see cref="CoordinatorScaling"/>), on a
/// throwaway PostgreSQL 15 server that it starts and removes, so the numbers come from the real journal and the
/// command needs nothing running. The config's spec is the template of the searches, its cluster settings the
/// clocks and snapshot interval.
/// </summary>
public static class CoordinatorBenchCommand
{
    private static readonly double[] RunSeconds = [10, 60, 600, 3600];

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var units = new Option<int>("--units")
        {
            Description = "Work units to pull through the coordinator", DefaultValueFactory = _ => 10_000,
        }.AtLeastOne();
        var pullers = new Option<int>("--pullers")
        {
            Description = "Simulated one-slot trainer nodes", DefaultValueFactory = _ => 50,
        }.AtLeastOne();
        var searches = new Option<int>("--searches")
        {
            Description = "Searches submitted at once", DefaultValueFactory = _ => 10,
        }.AtLeastOne();
        var command = new Command("coordinator",
            "Measure one cluster coordinator on PostgreSQL: leases/s, journal writes/s, recovery, GPUs it can feed")
        {
            config, json, units, pullers, searches,
        };
        command.SetAction((parse, cancel) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config), logToFile: false);
            RequirePostgres();
            using var server = new TempPostgres();
            var runtime = setup.Runtime with
            {
                Journal = JournalBackend.Postgresql, ConnectionString = server.ConnectionString,
            };
            var plan = new CoordinatorScalingPlan(parse.GetValue(units), parse.GetValue(pullers),
                parse.GetValue(searches), RunSeconds);
            var report = await CoordinatorScaling.MeasureAsync(plan, setup.ReadSpec(),
                ClusterSettings.Read(setup.Config, runtime), runtime, server.NewDatabase(), server.NewDatabase(),
                CommandSetup.AkkaOverrides, cancel);
            if (parse.GetValue(json))
                JsonOutput.Write(report);
            else
                Print(report);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The cluster benchmarks start their own PostgreSQL server: one line, exit 5, where they cannot.
    /// </summary>
    internal static void RequirePostgres()
    {
        if (TempPostgres.WhyNot is { } missing)
            throw new ClusterUnavailableException(
                $"this benchmark starts its own PostgreSQL server, but {missing}; deploy/setup.sh installs it");
    }

    private static void Print(CoordinatorScalingReport r)
    {
        var o = Results.Out;
        o.WriteLine($"{r.Units} units of {r.Searches} searches, {r.Pullers} simulated pullers: {r.Seconds:F1} s");
        o.WriteLine($"leases/s {r.LeasesPerSecond:F0}, journal writes/s {r.JournalWritesPerSecond:F0}, " +
                    $"{r.EventsPerUnit:F2} events per unit");
        o.WriteLine($"recovery: empty journal {r.Recovery.EmptyJournalSeconds:F2} s, snapshot + " +
                    $"{r.Recovery.EventsAfterSnapshot} events {r.Recovery.FromSnapshotSeconds:F2} s, " +
                    $"whole journal of {r.Recovery.JournalEvents} events {r.Recovery.WholeJournalSeconds:F2} s");
        foreach (var c in r.Capacity)
            o.WriteLine($"runs of {c.RunSeconds:0} s: about {c.Gpus:0} GPUs by journal writes (renewals are not " +
                        "journaled, nor simulated)");
    }
}
