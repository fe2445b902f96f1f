using System.Text.Json.Nodes;
using LotteryActors.Cli.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LotteryActors.Cli.Tests.Dashboard;

/// <summary>
/// The dashboard's cluster view against a real small cluster: two <c>lottery node</c> processes on a throwaway
/// PostgreSQL (one also hosting the coordinator), <c>lottery serve</c> reading the same journal in a third, and
/// <c>lottery submit --wait</c> handing them a search. The page, in Debian's chromium, shows each node with its
/// slots and the units it runs as they are leased, pushed without a reload, and a node that leaves as left;
/// <c>/api/cluster</c> says the same.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class DashboardClusterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private const float WaitMs = 300_000;

    private readonly string folder = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), $"lottery-dashboard-cluster-{Guid.NewGuid():N}")).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A stopped node may still be releasing files; the OS temp cleaner takes what is left.
        }
    }

    [PostgresFact]
    public async Task The_page_shows_each_nodes_slots_and_running_units_and_a_node_that_left()
    {
        using var postgres = new TempPostgres();
        var (coordinatorPort, trainerPort) = (FreePort.Next(), FreePort.Next());
        var seeds = $"127.0.0.1:{coordinatorPort}";
        var first = Config("first", postgres.ConnectionString, "coordinator,trainer", 1, coordinatorPort, seeds);
        using var firstNode = CliProcess.Start("node", "--config", first);
        firstNode.WaitForLog("is up with roles", Limit);
        using var secondNode = CliProcess.Start("node", "--config",
            Config("second", postgres.ConnectionString, "trainer", 2, trainerPort, seeds));
        secondNode.WaitForLog("is up with roles", Limit);
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        using var serve = CliProcess.Start("serve", "--config", first, "--urls", url);
        serve.WaitForLog("dashboard of", Limit);

        await using var browser = await DashboardBrowser.OpenAsync(url);
        var page = browser.Page;
        // Each node registered with its slots when it first asked for work, before any search existed.
        var firstRow = page.Locator($"#cluster tr.node[data-node='127.0.0.1:{coordinatorPort}']");
        var secondRow = page.Locator($"#cluster tr.node[data-node='127.0.0.1:{trainerPort}']");
        await Assertions.Expect(firstRow.Locator(".slots")).ToHaveTextAsync("1", new() { Timeout = WaitMs });
        await Assertions.Expect(secondRow.Locator(".slots")).ToHaveTextAsync("2", new() { Timeout = WaitMs });
        await Assertions.Expect(page.Locator("#cluster tr.node[data-state='up']")).ToHaveCountAsync(2);

        using var submit = CliProcess.Start("submit", "--config", first, "--wait", "--json");
        // Units appear on the nodes as they are leased (the page is never reloaded).
        var units = page.Locator("#cluster .unit");
        // Two training runs at once (the tickets' first rounds, once their width's init is drawn) on 3 slots.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#cluster .unit')]" +
            ".filter(u => u.textContent.includes('round')).length >= 2", null,
            new PageWaitForFunctionOptions { Timeout = WaitMs });
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var during = await LeasedUnits(http);
        output.WriteLine($"leased while running: {string.Join("; ", during)}");
        Assert.NotEmpty(during);
        Assert.All(during, u => Assert.Matches(
            @"^127\.0\.0\.1:\d+ (w0-t[01] round [0-2] (ticket|random-reinit|random-mask)|w0 init)$", u));
        await page.Locator("#cluster").ScreenshotAsync(
            new LocatorScreenshotOptions { Path = Screenshot("dashboard-cluster.png") });

        var result = submit.WaitForExit(Limit);
        Assert.True(result.ExitCode == 0, result.Stderr);
        await Assertions.Expect(units).ToHaveCountAsync(0, new() { Timeout = WaitMs });
        // The cluster's search is a search card like any other, and the API says what status says of it.
        var searchId = SearchJson.SearchId(result.Stdout);
        await Assertions.Expect(page.Locator($"#search-{searchId}")).ToHaveAttributeAsync("data-phase", "completed",
            new() { Timeout = WaitMs });
        var status = CliProcess.Run(Limit, "status", searchId, "--json", "--config", first);
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(status.Stdout),
            JsonNode.Parse(await http.GetStringAsync($"/api/searches/{searchId}"))), status.Stdout);

        // The trainer node stops (SIGTERM: it leaves the cluster); the coordinator journals it as gone.
        secondNode.Terminate();
        await Assertions.Expect(secondRow).ToHaveAttributeAsync("data-state", "left", new() { Timeout = WaitMs });
        await Assertions.Expect(firstRow).ToHaveAttributeAsync("data-state", "up");
        await page.ScreenshotAsync(
            new PageScreenshotOptions { Path = Screenshot("dashboard-cluster-left.png"), FullPage = true });
        Assert.Equal(1, browser.Loads);

        var nodes = JsonNode.Parse(await http.GetStringAsync("/api/cluster"))!["nodes"]!.AsArray();
        Assert.Equal(2, nodes.Count);
        var byPort = nodes.ToDictionary(n => (string)n!["node"]!, n => n!);
        var coordinatorNode = Assert.Single(byPort, n => n.Key.Contains($":{coordinatorPort}#")).Value;
        var trainerNode = Assert.Single(byPort, n => n.Key.Contains($":{trainerPort}#")).Value;
        Assert.Equal(("up", 1, 0, 1), ((string)coordinatorNode["state"]!, (int)coordinatorNode["slots"]!,
            (int)coordinatorNode["used"]!, (int)coordinatorNode["free"]!));
        Assert.Equal(("left", 2, 0), ((string)trainerNode["state"]!, (int)trainerNode["slots"]!,
            (int)trainerNode["used"]!));
        Assert.Null(trainerNode["free"]);
        Assert.NotNull(trainerNode["leftAt"]);
    }

    /// <summary>"host:port ticket round R kind" for every unit <c>/api/cluster</c> shows leased now.</summary>
    private static async Task<IReadOnlyList<string>> LeasedUnits(HttpClient http)
    {
        var cluster = JsonNode.Parse(await http.GetStringAsync("/api/cluster"))!;
        return cluster["nodes"]!.AsArray().SelectMany(n => n!["units"]!.AsArray().Select(u =>
        {
            var node = (string)n["address"]!;
            return u!["round"] is null
                ? $"{node} {u["ticket"]} init"
                : $"{node} {u["ticket"]} round {u["round"]} {u["kind"]}";
        })).ToList();
    }

    /// <summary>A node's config: the small search of <see cref="SearchWorkspace"/> and short cluster clocks.</summary>
    private string Config(string name, string connectionString, string roles, int slots, int port, string seeds)
    {
        var path = Path.Combine(folder, $"{name}.conf");
        File.WriteAllText(path, $$"""
            include "{{Path.Combine(AppContext.BaseDirectory, "hocon", "cluster.conf")}}"
            {{SearchWorkspace.Search}}
            lottery.runtime {
              home = "{{Path.Combine(folder, name)}}"
              connection-string = "{{connectionString}}"
              slots = {{slots}}
              torch-threads = 1
              chunk-iterations = 10
              # No shared folder: artifacts travel through the journal's database.
              artifact-store = postgresql
            }
            lottery.cluster {
              roles = "{{roles}}"
              port = {{port}}
              seed-nodes = "{{seeds}}"
              stable-after = 3s
              lease { heartbeat-timeout = 6s, heartbeat-interval = 1s }
              work { lease-timeout = 8s, expiry-check = 1s, renew-every = 2s, pull-every = 1s, redeliver-every = 1s }
            }
            """);
        return path;
    }

    private string Screenshot(string name) => DashboardBrowser.Screenshot(output, name);
}
