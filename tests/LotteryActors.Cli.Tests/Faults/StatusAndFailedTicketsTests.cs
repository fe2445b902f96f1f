using System.Text.Json;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Faults;

/// <summary>
/// <c>status</c> reads without writing and tells running from interrupted from completed by the search's lock; a
/// search whose tickets failed for scientific reasons exits 4, and <c>resume --retry-failed</c> runs them again.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class StatusAndFailedTicketsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public void Status_of_a_home_that_does_not_exist_creates_nothing()
    {
        using var workspace = new SearchWorkspace();
        var home = Path.Combine(workspace.Home, "never-used");
        var config = Path.Combine(workspace.Home, "elsewhere.conf");
        File.WriteAllText(config, $"lottery.runtime.home = \"{home}\"\n");

        var status = CliProcess.Run(Limit, "status", "--config", config);

        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Contains($"no searches in {home}", status.Stdout);
        Assert.False(Directory.Exists(home));
    }

    [Fact]
    public void Status_says_running_while_a_process_holds_the_search_then_interrupted_then_completed()
    {
        // Ten epochs a run: the whole search must outlast the status call made after its first run.
        using var workspace = new SearchWorkspace("lottery.search.training.duration = \"10ep\"");
        using (var running = CliProcess.Start("search", "--config", workspace.ConfigPath))
        {
            running.WaitForLog($"[1/{SearchWorkspace.RunsPerSearch}]", Limit);
            Assert.Equal("running", Phase(workspace));
            running.Kill();
        }
        var logs = LogSizes(workspace);
        Assert.Equal("interrupted", Phase(workspace));
        Assert.Equal(logs, LogSizes(workspace));

        Assert.True(CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath).ExitCode == 0);
        Assert.Equal("completed", Phase(workspace));
    }

    [Fact]
    public void Diverged_tickets_exit_4_and_retry_failed_journals_a_retry_and_runs_them_again()
    {
        using var workspace = new SearchWorkspace("lottery.search.training.lr = 1e30");

        var diverged = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");

        Assert.Equal(4, diverged.ExitCode);
        Assert.Contains("--retry-failed", Assert.Single(diverged.ErrorLines));
        Assert.Equal(2, JournalRows.CountOutputs(workspace.JournalPath, "Failure"));
        var searchId = SearchJson.SearchId(diverged.Stdout);

        var retried = CliProcess.Run(Limit, "resume", searchId, "--config", workspace.ConfigPath, "--retry-failed");

        Assert.Equal(4, retried.ExitCode);
        Assert.Equal(1, JournalRows.Count(workspace.JournalPath, "TicketsRetried.v1"));
        using (var retry = JsonDocument.Parse(JournalRows.First(workspace.JournalPath, "TicketsRetried.v1")))
            Assert.Equal(2, retry.RootElement.GetProperty("Tickets").GetArrayLength());
        Assert.Equal(4, JournalRows.CountOutputs(workspace.JournalPath, "Failure"));
        Assert.Equal(2, JournalRows.CountOutputs(workspace.JournalPath, "Ensemble"));
    }

    private static string Phase(SearchWorkspace workspace)
    {
        var status = CliProcess.Run(Limit, "status", "--config", workspace.ConfigPath, "--json");
        Assert.True(status.ExitCode == 0, status.Stderr);
        using var search = JsonDocument.Parse(SearchJson.FirstSearch(status.Stdout));
        return search.RootElement.GetProperty("phase").GetString()!;
    }

    /// <summary>The search's log files and their sizes: a status that logged to a file would change them.</summary>
    private static string LogSizes(SearchWorkspace workspace) => string.Join(", ",
        Directory.GetFiles(Path.Combine(workspace.Home, "logs")).Order().Select(f => $"{f} {new FileInfo(f).Length}"));
}
