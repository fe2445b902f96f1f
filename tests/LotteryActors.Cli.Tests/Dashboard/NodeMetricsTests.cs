using System.Text.Json;
using LotteryActors.Cli.Tests.Support;
using Xunit.Abstractions;

namespace LotteryActors.Cli.Tests.Dashboard;

/// <summary>
/// <c>lottery node</c> (coordinator and trainer in one real process, on a throwaway PostgreSQL) serves
/// <c>/metrics</c> when lottery.runtime.metrics.port is set: scraped while <c>lottery submit --wait</c> follows a tiny
/// search, every scrape read with the strict Prometheus text-format parser.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class NodeMetricsTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private readonly string folder = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), $"lottery-node-metrics-{Guid.NewGuid():N}")).FullName;

    public void Dispose()
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

    [PostgresFact]
    public async Task A_node_serves_metrics_fed_by_the_cluster_actors_that_move_while_a_submitted_search_runs()
    {
        using var postgres = new TempPostgres();
        var metricsPort = FreePort.Next();
        var clusterPort = FreePort.Next();
        var config = WriteConfig(postgres.ConnectionString, clusterPort, metricsPort);
        using var node = CliProcess.Start("node", "--config", config);
        node.WaitForLog("is up with roles", Limit);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = $"http://127.0.0.1:{metricsPort}/metrics";
        // Up before any work: every family is there, at zero, and no slot is busy.
        var before = PrometheusText.Parse(await http.GetStringAsync(url));
        Assert.Equal(0, before["lottery_runs_completed_total"].Value());
        Assert.Equal(0, before["lottery_slots_in_use"].Value());

        using var submit = CliProcess.Start("submit", "--config", config, "--wait", "--json");
        var scrapes = new List<IReadOnlyDictionary<string, MetricFamily>> { before };
        while (!submit.HasExited)
        {
            scrapes.Add(PrometheusText.Parse(await http.GetStringAsync(url)));
            await Task.Delay(250);
        }
        var result = submit.WaitForExit(Limit);
        Assert.True(result.ExitCode == 0, result.Stderr + node.Stderr);
        var runs = RunsDone(result.Stdout);
        // While it waited, submit named the units running and the node that ran each.
        Assert.Matches($@": \d+ of {runs} runs journaled; running: w0-t0 round \d.* on 127\.0\.0\.1:{clusterPort}",
            result.Stderr);
        // The coordinator counts a run once its result is journaled, before it answers the client: no wait needed.
        var after = PrometheusText.Parse(await http.GetStringAsync(url));
        scrapes.Add(after);
        output.WriteLine($"{scrapes.Count} scrapes; {runs} runs; completed: " +
                         string.Join(" ", scrapes.Select(s => s["lottery_runs_completed_total"].Value())));

        // A node's slot workers exist from its start, so their throughput is served from the first scrape too.
        foreach (var scrape in scrapes)
        {
            NodeMetricFamilies.AssertServed(scrape);
            Assert.Equal("gauge", scrape[NodeMetricFamilies.Throughput].Type);
        }
        // Every run the cluster journaled for the search was counted once, by this node (the coordinator's).
        Assert.True(runs > 0);
        Assert.Equal(runs, after["lottery_runs_completed_total"].Value());
        var completed = scrapes.Select(s => s["lottery_runs_completed_total"].Value()).ToList();
        Assert.True(completed.Zip(completed.Skip(1)).All(p => p.Item1 <= p.Item2), "a counter went down");
        Assert.Contains(completed, c => c > 0 && c < runs);
        Assert.All(scrapes, s => Assert.Equal(0, s["lottery_runs_failed_total"].Value()));
        Assert.All(scrapes, s => Assert.Equal(0, s["lottery_units_given_back_total"].Value()));
        Assert.All(scrapes, s => Assert.Equal(0, s["lottery_trainer_restarts_total"].Value()));

        // The puller's slots: two, busy while the search ran, free again once it is done.
        Assert.All(scrapes, s => Assert.Equal(2, s["lottery_slots"].Value()));
        var inUse = scrapes.Select(s => s["lottery_slots_in_use"].Value()).ToList();
        Assert.All(inUse, n => Assert.InRange(n, 0, 2));
        Assert.Contains(inUse, n => n > 0);
        var utilisation = scrapes.Select(s => s["lottery_slot_utilisation_ratio"].Value()).ToList();
        // Not compared scrape by scrape with slots in use: a scrape may fall between the two gauges' updates.
        Assert.All(utilisation, u => Assert.InRange(u, 0, 1));
        Assert.Contains(utilisation, u => u > 0);
        Assert.Equal(0, after["lottery_slots_in_use"].Value());
        Assert.Equal(0, after["lottery_slot_utilisation_ratio"].Value());

        // Every journal write is timed (leases and renewals too, so more writes than runs).
        var writes = after["lottery_journal_write_seconds"].Value("lottery_journal_write_seconds_count");
        Assert.True(writes > runs, $"{writes} journal writes timed for {runs} runs");

        // One series per slot worker, measured while it trained, back at 0 when idle.
        var throughput = scrapes.SelectMany(s => s[NodeMetricFamilies.Throughput].Samples).ToList();
        Assert.Contains(throughput, t => t.Labels["trainer"] is "slot-0" or "slot-1" && t.Value > 0);
        Assert.All(throughput, t => Assert.Matches("^slot-[01]$", t.Labels["trainer"]));
        Assert.All(after[NodeMetricFamilies.Throughput].Samples, t => Assert.Equal(0, t.Value));
    }

    /// <summary>
    /// A cluster node's config (cluster.conf first, so what follows wins) with the small search of
    /// <see cref="SearchWorkspace"/> cut to one ticket: 7 runs on 2 slots.
    /// </summary>
    private string WriteConfig(string connectionString, int clusterPort, int metricsPort)
    {
        var path = Path.Combine(folder, "node.conf");
        File.WriteAllText(path, $$"""
            include "{{Path.Combine(AppContext.BaseDirectory, "hocon", "cluster.conf")}}"
            lottery.search {
              name = node-metrics-test
              dataset { train-subset = 3500, validation-size = 500, test-subset = 1000 }
              tickets-per-width = 1
              training { duration = "1ep", eval-interval = "20it" }
              pruning.rounds = 2
            }
            lottery.runtime {
              home = "{{Path.Combine(folder, "home")}}"
              connection-string = "{{connectionString}}"
              slots = 2
              chunk-iterations = 10
              metrics.port = {{metricsPort}}
            }
            lottery.cluster { port = {{clusterPort}}, seed-nodes = "127.0.0.1:{{clusterPort}}" }
            """);
        return path;
    }

    /// <summary>The runs journaled when <c>submit --wait --json</c> returned (its document is <c>search</c>'s).
    /// </summary>
    private static int RunsDone(string stdout)
    {
        using var json = JsonDocument.Parse(stdout);
        Assert.True(Property(json.RootElement, "completed").GetBoolean());
        var done = Property(json.RootElement, "runsDone").GetInt32();
        Assert.Equal(Property(json.RootElement, "runsTotal").GetInt32(), done);
        return done;
    }

    private static JsonElement Property(JsonElement element, string name) => element.EnumerateObject()
        .Single(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}
