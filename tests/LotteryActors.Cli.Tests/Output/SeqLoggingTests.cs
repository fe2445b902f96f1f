using System.Text.Json;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Output;

/// <summary>
/// A real search logging to Seq (a local listener that speaks its ingestion API): events arrive as CLEF with the
/// search's properties as properties, not text, and the API key from the environment arrives as Seq's header.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class SeqLoggingTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private static CliResult SearchLoggingTo(SeqListener seq, SearchWorkspace workspace,
        Dictionary<string, string?> environment, int exitCode = 0)
    {
        var result = CliProcess.Run(Limit, environment, "search", "--config", workspace.ConfigPath);
        Assert.True(result.ExitCode == exitCode, result.Stderr);
        return result;
    }

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) ? value.ToString() : null;

    [Fact]
    public void Events_of_a_search_arrive_with_its_search_ticket_and_round_as_properties()
    {
        using var seq = new SeqListener();
        using var workspace = new SearchWorkspace($"lottery.runtime.seq.url = \"{seq.Url}\"");

        var result = SearchLoggingTo(seq, workspace, new() { ["LOTTERY_SEQ_API_KEY"] = "" });

        var searchId = result.Stderr.Split(' ').First(w => w.Length == 16 && w.All(char.IsAsciiHexDigitLower));
        var events = seq.Events;
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.TryGetProperty("@t", out _), e.ToString()));
        var runs = events.Where(e => Text(e, "@mt") is { } template && template.StartsWith("[{Done}/{Total}]"))
            .ToList();
        Assert.Equal(SearchWorkspace.RunsPerSearch, runs.Count);
        Assert.All(runs, e =>
        {
            Assert.Equal(searchId, Text(e, "SearchId"));
            Assert.Matches("^w0-t[01]$", Text(e, "TicketId"));
            Assert.Equal(JsonValueKind.Number, e.GetProperty("Round").ValueKind);
            Assert.Contains(Text(e, "RunKind"), new[] { "ticket", "random-reinit", "random-mask" });
            Assert.NotNull(Text(e, "Node"));
        });
        Assert.Equal(new[] { 0, 1, 2 }, runs.Select(e => e.GetProperty("Round").GetInt32()).Distinct().Order());
        Assert.Contains(events, e => Text(e, "@mt") == "ensembles evaluated at {Levels} levels"
                                     && Text(e, "SearchId") == searchId);
        Assert.All(seq.ApiKeys, Assert.Null);
    }

    [Fact]
    public void The_API_key_from_the_environment_arrives_as_Seqs_header_and_nowhere_else()
    {
        using var seq = new SeqListener();
        using var workspace = new SearchWorkspace($"lottery.runtime.seq.url = \"{seq.Url}\"");
        const string key = "test-key-7f3a";

        var result = SearchLoggingTo(seq, workspace, new() { ["LOTTERY_SEQ_API_KEY"] = key });

        Assert.NotEmpty(seq.ApiKeys);
        Assert.All(seq.ApiKeys, header => Assert.Equal(key, header));
        Assert.DoesNotContain(key, result.Stderr);
        Assert.DoesNotContain(seq.Events, e => e.ToString().Contains(key, StringComparison.Ordinal));
        var logFile = Assert.Single(Directory.GetFiles(Path.Combine(workspace.Home, "logs")));
        Assert.DoesNotContain(key, File.ReadAllText(logFile));
    }

    /// <summary>What the README's query for "all failures of search X" selects: warnings and errors by SearchId.</summary>
    [Fact]
    public void Every_failure_of_a_search_is_a_warning_or_error_carrying_its_search_and_ticket()
    {
        using var seq = new SeqListener();
        using var workspace = new SearchWorkspace(
            $"lottery.runtime.seq.url = \"{seq.Url}\"\nlottery.search.training.lr = 1e30");

        var result = SearchLoggingTo(seq, workspace, new() { ["LOTTERY_SEQ_API_KEY"] = "" }, exitCode: 4);

        var searchId = result.Stderr.Split(' ').First(w => w.Length == 16 && w.All(char.IsAsciiHexDigitLower));
        var failures = seq.Events.Where(e => Text(e, "SearchId") == searchId
                                             && Text(e, "@l") is "Warning" or "Error").ToList();
        Assert.Equal(["w0-t0", "w0-t1"], failures.Select(e => Text(e, "TicketId") ?? "none").Order());
        Assert.All(failures, e => Assert.Contains("diverged", Text(e, "Cause"), StringComparison.OrdinalIgnoreCase));
    }
}
