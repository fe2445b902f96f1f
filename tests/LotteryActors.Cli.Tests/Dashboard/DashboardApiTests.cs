using System.Text.Json;
using System.Text.Json.Nodes;
using LotteryActors.Cli.Tests.Support;
using Xunit.Abstractions;

namespace LotteryActors.Cli.Tests.Dashboard;

/// <summary>The dashboard's API over a PostgreSQL journal, as a lab has it: another process writes.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class DashboardApiTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [PostgresFact]
    public async Task Over_postgresql_the_api_follows_a_search_that_another_process_runs()
    {
        using var postgres = new TempPostgres();
        using var workspace = new SearchWorkspace(
            $"lottery.runtime {{ journal = postgresql, connection-string = \"{postgres.ConnectionString}\" }}");
        using var serve = workspace.Serve(Limit);
        var url = serve.Url;
        using var http = new HttpClient { BaseAddress = new Uri(url) };

        using var search = CliProcess.Start("search", "--config", workspace.ConfigPath);
        var seen = new List<int>();
        var deadline = DateTime.UtcNow + Limit;
        while (seen.Count == 0 || seen[^1] < SearchWorkspace.RunsPerSearch)
        {
            Assert.True(DateTime.UtcNow < deadline, $"runs seen: {string.Join(" ", seen)}\n{search.Stderr}");
            using var status = JsonDocument.Parse(await http.GetStringAsync("/api/searches"));
            if (status.RootElement.GetProperty("searches") is { ValueKind: JsonValueKind.Array } searches
                && searches.GetArrayLength() == 1)
                seen.Add(searches[0].GetProperty("runsDone").GetInt32());
            await Task.Delay(300);
        }
        output.WriteLine($"runs seen: {string.Join(" ", seen)}");

        Assert.Equal(0, search.WaitForExit(Limit).ExitCode);
        Assert.Contains(seen, runs => runs < SearchWorkspace.RunsPerSearch);
    }

    /// <summary>
    /// A search running in another process shows its running units with their share done, examples/s and ETA, and
    /// a share that moves as the run trains; killed (nothing clears its rows), it shows none once they are stale.
    /// </summary>
    [Fact]
    public async Task The_api_shows_a_running_searchs_units_moving_and_none_once_the_search_is_killed()
    {
        using var workspace = new SearchWorkspace(SearchWorkspace.LongRunsPublished);
        using var serve = workspace.Serve(Limit);
        var url = serve.Url;
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var search = CliProcess.Start("search", "--config", workspace.ConfigPath);

        var first = await Until(http, search, units => units.FirstOrDefault(u => u["fraction"] is not null));
        var name = Name(first);
        output.WriteLine($"first seen: {first.ToJsonString()}");
        Assert.Equal("local", (string?)first["node"]);
        var later = await Until(http, search, units => units.FirstOrDefault(u => Name(u) == name
            && (double)u["fraction"]! > (double)first["fraction"]! && u["etaSeconds"] is not null));
        output.WriteLine($"then: {later.ToJsonString()}");
        Assert.True((double)later["examplesPerSecond"]! > 0);

        search.Kill();
        var killedAt = DateTime.UtcNow;
        // Three publications (900 ms) make a row stale; the rest is slack for a loaded machine.
        await Until(http, search, units => units.Count == 0 ? new JsonObject() : null, TimeSpan.FromSeconds(30));
        output.WriteLine($"no units {DateTime.UtcNow - killedAt:s\\.f} s after the kill");
    }

    private static string Name(JsonNode unit) => $"{unit["unit"]} {unit["round"]} {unit["kind"]}";

    /// <summary>
    /// Asks for the workspace's one search until <paramref name="found"/> finds something in its running units (none
    /// where the document has no <c>units</c>), within <paramref name="patience"/> (while the search runs where
    /// none is given).
    /// </summary>
    private static async Task<JsonNode> Until(HttpClient http, CliProcess search,
        Func<IReadOnlyList<JsonNode>, JsonNode?> found, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Limit);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"not found within {patience ?? Limit}:\n{search.Stderr}");
            Assert.True(patience is not null || !search.HasExited, $"the search ended first:\n{search.Stderr}");
            var searches = JsonNode.Parse(await http.GetStringAsync("/api/searches"))!["searches"]!.AsArray();
            if (searches.Count == 1)
            {
                var id = (string)searches[0]!["searchId"]!;
                var document = JsonNode.Parse(await http.GetStringAsync($"/api/searches/{id}"))!["searches"]![0]!;
                var units = document["units"]?.AsArray().Select(u => u!).ToList() ?? [];
                if (found(units) is { } hit)
                    return hit;
            }
            await Task.Delay(100);
        }
    }
}
