using System.Text.Json;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Commands;

/// <summary><c>compare</c> and <c>report</c> on a real finished search (2 tickets, 2 rounds, both controls).</summary>
[Trait("Tier", "EndToEnd")]
public sealed class CompareAndReportTests(CompletedSearch search) : IClassFixture<CompletedSearch>
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void Compare_json_covers_every_kind_and_round_and_agrees_with_the_journaled_runs()
    {
        var result = CliProcess.Run(Limit, "compare", search.SearchId, "--config", search.Workspace.ConfigPath, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var analysis = doc.RootElement.GetProperty("searches")[0];

        var ensembles = analysis.GetProperty("ensembles").EnumerateArray().ToList();
        Assert.Equal(["ticket 0", "ticket 1", "ticket 2", "random-reinit 1", "random-reinit 2", "random-mask 1", "random-mask 2"],
            ensembles.Select(e => $"{e.GetProperty("kind").GetString()} {e.GetProperty("round").GetInt32()}"));
        foreach (var e in ensembles)
        {
            Assert.Equal(2, e.GetProperty("members").GetInt32());
            var logit = e.GetProperty("methods")[0];
            Assert.Equal("logit-average", logit.GetProperty("method").GetString());
            var accuracy = logit.GetProperty("testAccuracy").GetDouble();
            Assert.InRange(accuracy, logit.GetProperty("accuracy").GetProperty("lower").GetDouble(), logit.GetProperty("accuracy").GetProperty("upper").GetDouble());
            Assert.Equal(2 * e.GetProperty("memberCost").GetDouble(), e.GetProperty("ensembleCost").GetDouble());
        }

        var journaled = JsonDocument.Parse(search.SearchJson).RootElement.GetProperty("tickets").EnumerateArray()
            .SelectMany(t => t.GetProperty("runs").EnumerateArray())
            .Where(r => r.GetProperty("kind").GetString() == "ticket" && r.GetProperty("round").GetInt32() == 0)
            .Select(r => r.GetProperty("testAccuracy").GetDouble()).ToList();
        var denseCurve = analysis.GetProperty("curves").EnumerateArray()
            .First(c => c.GetProperty("kind").GetString() == "ticket" && c.GetProperty("round").GetInt32() == 0);
        Assert.Equal(journaled.Average(), denseCurve.GetProperty("testAccuracy").GetProperty("mean").GetDouble(), 12);

        var baseline = Assert.Single(analysis.GetProperty("baselines").EnumerateArray());
        Assert.Equal(journaled.Average(), baseline.GetProperty("roundZeroTestAccuracy").GetProperty("mean").GetDouble(), 12);
        Assert.Equal("round-0", baseline.GetProperty("denseSource").GetString());
        Assert.Equal(3, analysis.GetProperty("seedLevel").GetArrayLength());
        Assert.Empty(analysis.GetProperty("initMix").EnumerateArray());
        var census = analysis.GetProperty("census").EnumerateArray().ToList();
        Assert.Equal([1, 2], census.Select(c => c.GetProperty("round").GetInt32()));
        Assert.Equal([false, true], census.Select(c => c.GetProperty("headline").GetBoolean()));
        foreach (var c in census)
        {
            var density = c.GetProperty("density").GetDouble();
            Assert.Equal(density / (2 - density), c.GetProperty("chanceJaccard").GetDouble(), 12);
            Assert.Equal("round-0, all inits", c.GetProperty("reference").GetProperty("source").GetString());
            Assert.True(c.GetProperty("reference").GetProperty("epsilonFromSpread").GetBoolean());
            Assert.Equal(("ticket", 2),
                (c.GetProperty("winners").GetProperty("unit").GetString(), c.GetProperty("candidates").GetInt32()));
            Assert.Equal(["random-reinit", "random-mask"],
                c.GetProperty("controls").EnumerateArray().Select(k => k.GetProperty("kind").GetString()));
            Assert.Single(c.GetProperty("inits").EnumerateArray());
        }
        Assert.All(analysis.GetProperty("diversity").EnumerateArray(), d => Assert.Equal(
            d.GetProperty("density").GetDouble() / (2 - d.GetProperty("density").GetDouble()),
            d.GetProperty("chanceJaccardAtDensity").GetDouble(), 12));
        Assert.Equal(3, analysis.GetProperty("sizeCurves").GetArrayLength());
    }

    [Fact]
    public void Compare_prints_every_table_on_the_console()
    {
        var result = CliProcess.Run(Limit, "compare", search.SearchId, "--config", search.Workspace.ConfigPath);
        Assert.True(result.ExitCode == 0, result.Stderr);
        foreach (var title in new[] { "Test accuracy against density", "Headline", "Output ensembles", "equal parameters",
                     "Best k-member ensemble",
                     "How different the tickets are", "Lottery Pools", "Ticket census" })
            Assert.Contains(title, result.Stdout);
    }

    [Fact]
    public void Compare_fits_120_columns_and_wide_keeps_every_column_on_one_line()
    {
        var narrow = CliProcess.Run(Limit, "compare", search.SearchId, "--config", search.Workspace.ConfigPath);
        var wide = CliProcess.Run(Limit, "compare", search.SearchId, "--config", search.Workspace.ConfigPath, "--wide");
        Assert.True(narrow.ExitCode == 0 && wide.ExitCode == 0, narrow.Stderr + wide.Stderr);

        var lines = narrow.Stdout.Split('\n');
        Assert.All(lines, line => Assert.True(line.Length <= 120, $"{line.Length} columns: {line}"));
        Assert.Contains(wide.Stdout.Split('\n'), line => line.Length > 120);
        // The split ensembles table repeats its key columns in every panel, so each panel still names its rows.
        var ensembleHeaders = lines.Count(l => l.TrimStart().StartsWith("width", StringComparison.Ordinal)
            && l.Contains(" kind ") && l.Contains(" round ") && l.Contains(" density"));
        Assert.True(ensembleHeaders >= 3, narrow.Stdout);
    }

    [Fact]
    public void Report_writes_html_figures_csv_and_json()
    {
        var folder = Path.Combine(search.Workspace.Home, $"report-{Guid.NewGuid():N}");
        var result = CliProcess.Run(Limit, "report", search.SearchId, "--config", search.Workspace.ConfigPath, "--out", folder);
        Assert.True(result.ExitCode == 0, result.Stderr);

        var html = File.ReadAllText(Path.Combine(folder, "report.html"));
        foreach (var figure in new[] { "accuracy-vs-density", "census", "ensemble-size", "mask-overlap-w1-i0" })
        {
            Assert.Contains($"src=\"{figure}.png\"", html);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(folder, figure + ".png"))[..4]);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder, figure + ".svg")));
        }
        Assert.Contains("<caption>Output ensembles of all runs of a kind at one round of one init</caption>", html);

        var ensembles = File.ReadAllLines(Path.Combine(folder, "ensembles.csv"));
        Assert.StartsWith("width,init,kind,round,density,K,", ensembles[0]);
        Assert.Equal(1 + 7, ensembles.Length);
        foreach (var table in new[] { "curves", "seed-level", "controls", "baselines", "size-curves", "diversity", "pools", "census" })
            Assert.True(File.ReadAllLines(Path.Combine(folder, table + ".csv")).Length >= 2, table);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "analysis.json")));
        Assert.Equal(search.SearchId, json.RootElement.GetProperty("searches")[0].GetProperty("searchId").GetString());
    }

    [Fact]
    public void Status_lists_the_search_with_its_progress_and_runs()
    {
        var listing = CliProcess.Run(Limit, "status", "--config", search.Workspace.ConfigPath, "--json");
        Assert.True(listing.ExitCode == 0, listing.Stderr);
        var status = SearchJson.FirstSearch(listing.Stdout);
        using var doc = JsonDocument.Parse(status);
        Assert.True(doc.RootElement.GetProperty("completed").GetBoolean());
        Assert.Equal(SearchWorkspace.RunsPerSearch, doc.RootElement.GetProperty("runsDone").GetInt32());
        Assert.Equal(SearchJson.Runs(search.SearchJson), SearchJson.Runs(status));

        var table = CliProcess.Run(Limit, "status", search.SearchId, "--config", search.Workspace.ConfigPath);
        Assert.Contains($"search {search.SearchId} (cli-test): 14/14 runs journaled, completed", table.Stdout);
        Assert.Contains("w0-t1", table.Stdout);
    }

    [Fact]
    public void Census_criteria_out_of_range_are_refused()
    {
        var result = CliProcess.Run(Limit, "compare", search.SearchId, "--config", search.Workspace.ConfigPath,
            "--same-ticket", "2");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'--same-ticket': is 2; allowed: (0, 1]", Assert.Single(result.ErrorLines));
    }
}
