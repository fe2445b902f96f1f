using System.Net;
using System.Net.Sockets;
using LotteryActors.Cli.Tests.Support;
using Xunit.Abstractions;

namespace LotteryActors.Cli.Tests.Dashboard;

/// <summary>
/// Scrapes <c>/metrics</c> of a real search (lottery.runtime.metrics.port) and of <c>lottery serve</c> while the
/// search runs, and reads every scrape with a strict Prometheus text-format parser.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class MetricsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_search_whose_metrics_port_is_in_use_exits_5_in_one_line_naming_the_setting_and_journals_nothing()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var workspace = new SearchWorkspace($"lottery.runtime.metrics.port = {port}");

        var result = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath);

        Assert.Equal(5, result.ExitCode);
        Assert.Equal(NodeMetricFamilies.PortInUse(port), Assert.Single(result.ErrorLines));
        Assert.DoesNotContain("Exception", result.Stderr);
        Assert.False(File.Exists(workspace.JournalPath), "a search refused at start journaled something");
    }

    [Fact]
    public async Task The_node_and_the_dashboard_serve_metrics_that_move_while_a_search_runs()
    {
        var nodePort = FreePort.Next();
        using var workspace = new SearchWorkspace($"lottery.runtime.metrics.port = {nodePort}");
        var dashboard = $"http://127.0.0.1:{FreePort.Next()}";
        using var serve = CliProcess.Start("serve", "--config", workspace.ConfigPath, "--urls", dashboard);
        serve.WaitForLog("dashboard of", Limit);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var search = CliProcess.Start("search", "--config", workspace.ConfigPath, "--json");
        var node = new List<IReadOnlyDictionary<string, MetricFamily>>();
        var journaled = new List<double>();
        while (!search.HasExited)
        {
            if (await TryScrape(http, $"http://127.0.0.1:{nodePort}/metrics") is { } scrape)
                node.Add(scrape);
            var board = PrometheusText.Parse(await http.GetStringAsync($"{dashboard}/metrics"));
            if (board.TryGetValue("lottery_search_runs_journaled", out var runs))
                journaled.Add(runs.Samples.Single().Value);
            await Task.Delay(300);
        }
        var result = search.WaitForExit(Limit);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var searchId = SearchJson.SearchId(result.Stdout);
        output.WriteLine($"{node.Count} node scrapes; dashboard's runs journaled: {string.Join(" ", journaled)}");

        Assert.True(node.Count >= 2, $"only {node.Count} scrapes of the node while it ran");
        Assert.All(node, NodeMetricFamilies.AssertServed);
        var completed = node.Select(s => s["lottery_runs_completed_total"].Value()).ToList();
        Assert.True(completed[^1] > completed[0], $"runs completed did not move: {string.Join(" ", completed)}");
        Assert.True(completed.Zip(completed.Skip(1)).All(p => p.Item1 <= p.Item2), "a counter went down");
        Assert.All(node, s => Assert.Equal(0, s["lottery_runs_failed_total"].Value()));
        // Slots are counted once the node's puller starts (after the dataset is loaded).
        Assert.Contains(node, s => s["lottery_slots"].Value() == 2);
        Assert.All(node.Where(s => s["lottery_slots_in_use"].Value() > 0),
            s => Assert.Equal(2, s["lottery_slots"].Value()));
        var utilisation = node.Select(s => s["lottery_slot_utilisation_ratio"].Value()).ToList();
        Assert.All(utilisation, u => Assert.InRange(u, 0, 1));
        Assert.Contains(utilisation, u => u > 0);
        var writes = node.Select(s => s["lottery_journal_write_seconds"].Value("lottery_journal_write_seconds_count"));
        Assert.True(writes.Last() > writes.First(), "no journal write was timed");
        var throughput = node.Where(s => s.ContainsKey(NodeMetricFamilies.Throughput))
            .SelectMany(s => s[NodeMetricFamilies.Throughput].Samples).ToList();
        // Labelled by slot, as on a cluster node: a search's tickets come and go, its node's slots stay.
        Assert.Contains(throughput, t => t.Labels["trainer"] is "slot-0" or "slot-1" && t.Value > 0);

        // The dashboard reads the journal: its count rose with the search and ends at every run, searched by id.
        Assert.True(journaled.Count >= 2 && journaled[^1] > journaled[0], string.Join(" ", journaled));
        var end = await WaitForDashboard(http, dashboard, searchId);
        var label = ("search", searchId);
        Assert.Equal(SearchWorkspace.RunsPerSearch, end["lottery_search_runs_journaled"].Value(null, label));
        Assert.Equal(SearchWorkspace.RunsPerSearch, end["lottery_search_runs_planned"].Value(null, label));
        Assert.Equal(0, end["lottery_search_tickets_failed"].Value(null, label));
    }

    /// <summary>The node's endpoint is up only while its search runs: before and after, nothing answers.</summary>
    private static async Task<IReadOnlyDictionary<string, MetricFamily>?> TryScrape(HttpClient http, string url)
    {
        try
        {
            return PrometheusText.Parse(await http.GetStringAsync(url));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The dashboard follows the journal a refresh or two behind the search: waits for the end.</summary>
    private static async Task<IReadOnlyDictionary<string, MetricFamily>> WaitForDashboard(
        HttpClient http, string dashboard, string searchId)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var scrape = PrometheusText.Parse(await http.GetStringAsync($"{dashboard}/metrics"));
            if (scrape.TryGetValue("lottery_search_completed", out var done)
                && done.Value(null, ("search", searchId)) == 1)
                return scrape;
            Assert.True(DateTime.UtcNow < deadline, "the dashboard never saw the search complete");
            await Task.Delay(300);
        }
    }
}
