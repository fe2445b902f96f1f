using System.Text.Json;
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
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        using var serve = CliProcess.Start("serve", "--config", workspace.ConfigPath, "--urls", url);
        serve.WaitForLog("dashboard of", Limit);
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
}
