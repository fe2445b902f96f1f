using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LotteryActors.Cli.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LotteryActors.Cli.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's chromium, headless, driven by Playwright; no browser is downloaded)
/// while a real search runs in another process and <c>lottery serve</c> in a third.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private const float WaitMs = 300_000;

    [Fact]
    public async Task The_page_follows_a_running_search_without_a_reload_and_links_the_comparison_at_the_end()
    {
        using var workspace = new SearchWorkspace();
        using var serve = workspace.Serve(Limit);
        var url = serve.Url;
        await using var browser = await DashboardBrowser.OpenAsync(url);
        var page = browser.Page;

        using var search = CliProcess.Start("search", "--config", workspace.ConfigPath, "--json");
        var runs = page.Locator("tr.ticket[data-ticket='w0-t0'] .runs");
        await runs.WaitForAsync(new LocatorWaitForOptions { Timeout = WaitMs });
        var runsBefore = await runs.TextContentAsync();
        var pointsBefore = await Points(page);
        output.WriteLine($"first seen: {runsBefore}, {pointsBefore} points");
        await Assertions.Expect(runs).Not.ToHaveTextAsync(runsBefore!,
            new LocatorAssertionsToHaveTextOptions { Timeout = WaitMs });
        await page.WaitForFunctionAsync(
            "n => document.querySelectorAll(\".plot[data-ticket='w0-t0'] circle.run\").length > n",
            pointsBefore, new PageWaitForFunctionOptions { Timeout = WaitMs });
        output.WriteLine($"then: {await runs.TextContentAsync()}, {await Points(page)} points");
        await page.ScreenshotAsync(
            new PageScreenshotOptions { Path = Screenshot("dashboard-running.png"), FullPage = true });

        var result = search.WaitForExit(Limit);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var searchId = SearchJson.SearchId(result.Stdout);
        var card = page.Locator($"#search-{searchId}");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-phase", "completed",
            new LocatorAssertionsToHaveAttributeOptions { Timeout = WaitMs });
        await Assertions.Expect(runs).ToHaveTextAsync("7/7 runs");
        Assert.Equal(7, await Points(page));
        var comparison = await card.Locator("a.comparison").GetAttributeAsync("href");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("dashboard.png"), FullPage = true });
        Assert.Equal(1, browser.Loads);

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var levels = JsonNode.Parse(await http.GetStringAsync(comparison))!["ensemble"]!["levels"]!.AsArray();
        Assert.Equal(3, levels.Count);
        // The API answers what status --json prints, from the same builder.
        var status = CliProcess.Run(Limit, "status", searchId, "--config", workspace.ConfigPath, "--json");
        Assert.Equal(0, status.ExitCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(status.Stdout),
            JsonNode.Parse(await http.GetStringAsync($"/api/searches/{searchId}"))));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(status.Stdout),
            JsonNode.Parse(await http.GetStringAsync("/api/searches"))));
    }

    /// <summary>The card of a running search shows its running units, each with its node, a share done that moves,
    /// examples/s and an ETA, without a reload.</summary>
    [Fact]
    public async Task The_card_of_a_running_search_shows_its_running_units_share_moving()
    {
        using var workspace = new SearchWorkspace(SearchWorkspace.LongRunsPublished);
        using var serve = workspace.Serve(Limit);
        var url = serve.Url;
        await using var browser = await DashboardBrowser.OpenAsync(url);
        var page = browser.Page;
        using var search = CliProcess.Start("search", "--config", workspace.ConfigPath);

        var unit = page.Locator("tr.running-unit[data-unit='w0-t0'][data-round='0'][data-kind='ticket']");
        var share = unit.Locator(".percent");
        await share.WaitForAsync(new LocatorWaitForOptions { Timeout = WaitMs });
        var before = await share.TextContentAsync();
        await Assertions.Expect(share).Not.ToHaveTextAsync(before!,
            new LocatorAssertionsToHaveTextOptions { Timeout = WaitMs });
        output.WriteLine($"w0-t0 round 0: {before}, then {await unit.InnerTextAsync()}");
        Assert.Equal("local", await unit.Locator("td").Nth(1).TextContentAsync());
        await Assertions.Expect(unit.Locator(".eta")).ToHaveTextAsync(new Regex(@"^\d+[hms]( \d\d[ms])?$"));
        await page.ScreenshotAsync(
            new PageScreenshotOptions { Path = Screenshot("dashboard-units.png"), FullPage = true });
        Assert.Equal(1, browser.Loads);
        search.Kill();
    }

    private string Screenshot(string name) => DashboardBrowser.Screenshot(output, name);

    private static Task<int> Points(IPage page) => page.Locator(".plot[data-ticket='w0-t0'] circle.run").CountAsync();
}
