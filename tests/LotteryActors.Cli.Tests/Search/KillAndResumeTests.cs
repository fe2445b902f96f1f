using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Search;

/// <summary>
/// The promise to users: kill -9 a search at any moment, run the same command again, and end with exactly the
/// results an uninterrupted run gives, with every run journaled once.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class KillAndResumeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public void Search_killed_twice_then_resumed_ends_identical_to_an_uninterrupted_run()
    {
        KillTwiceAndResume("", (crashed, manifest) => CountJournaled(crashed.JournalPath, manifest));
    }

    /// <summary>The same promise on the stacked engine (both tickets in one stack): stacks are fixed by the spec,
    /// so a resumed search, whose stacks fill differently, trains every member to the bits it had.</summary>
    [Fact]
    public void Search_on_the_stacked_engine_killed_twice_then_resumed_ends_identical_to_an_uninterrupted_run()
    {
        var resumed = KillTwiceAndResume("", (crashed, output) => CountJournaled(crashed.JournalPath, output),
            engine: "lottery.runtime { engine = stacked, stack-size = 2 }");

        Assert.Contains("Training on the stacked engine: stacks of 2", resumed);
    }

    /// <summary>The same promise with the lab's backends: journal and artifacts in PostgreSQL, and the resumed
    /// process given a fresh artifact cache, so every artifact it trains from comes from the database.</summary>
    [PostgresFact]
    public void Search_on_postgresql_journal_and_artifacts_killed_twice_then_resumed_ends_identical()
    {
        using var postgres = new TempPostgres();
        KillTwiceAndResume(
            $"lottery.runtime {{ journal = postgresql, artifact-store = postgresql, " +
            $"connection-string = \"{postgres.ConnectionString}\" }}",
            (_, output) =>
            {
                using var journal = new Npgsql.NpgsqlConnection(postgres.ConnectionString);
                journal.Open();
                return JournalRows.Outputs(journal, output).Count;
            },
            freshCacheOnResume: true);
    }

    /// <summary>
    /// An uninterrupted reference search (SQLite), then the same search with <paramref name="backend"/> settings
    /// killed with SIGKILL twice and resumed; <paramref name="countJournaled"/> counts journaled units by output.
    /// Both run with the <paramref name="engine"/> settings. Returns what the resumed process wrote to stderr.
    /// </summary>
    private static string KillTwiceAndResume(string backend, Func<SearchWorkspace, string, long> countJournaled,
        bool freshCacheOnResume = false, string engine = "")
    {
        using var reference = new SearchWorkspace(engine);
        var uninterrupted = CliProcess.Run(Limit, "search", "--config", reference.ConfigPath, "--json");
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Stderr);
        var searchId = SearchJson.SearchId(uninterrupted.Stdout);

        using var crashed = new SearchWorkspace(backend + "\n" + engine);
        using (var first = CliProcess.Start("search", "--config", crashed.ConfigPath))
        {
            first.WaitForLog($"[3/{SearchWorkspace.RunsPerSearch}]", Limit);
            first.Kill();
        }
        using (var second = CliProcess.Start("search", "--config", crashed.ConfigPath))
        {
            second.WaitForLog($"[9/{SearchWorkspace.RunsPerSearch}]", Limit);
            second.Kill();
        }
        if (freshCacheOnResume)
            Directory.Delete(Path.Combine(crashed.Home, "artifacts"), recursive: true);
        var resumed = CliProcess.Run(Limit, "resume", searchId, "--config", crashed.ConfigPath, "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        Assert.Equal(searchId, SearchJson.SearchId(resumed.Stdout));
        var expected = SearchJson.Runs(uninterrupted.Stdout);
        Assert.Equal(SearchWorkspace.RunsPerSearch, expected.Count);
        Assert.Equal(expected, SearchJson.Runs(resumed.Stdout));
        Assert.Equal(SearchWorkspace.RunsPerSearch, countJournaled(crashed, "Run"));
        Assert.Equal(1, countJournaled(crashed, "Ensemble"));
        return resumed.Stderr;
    }

    [Fact]
    public void Rerunning_a_completed_search_trains_nothing_and_reports_the_same_results()
    {
        using var workspace = new SearchWorkspace();
        var first = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var again = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        Assert.True(again.ExitCode == 0, again.Stderr);

        Assert.Equal(SearchJson.Runs(first.Stdout), SearchJson.Runs(again.Stdout));
        // No trainer started and no run journaled again: the coordinator logs both ("continuing", "[n/total]").
        Assert.DoesNotContain("continuing", again.Stderr);
        Assert.DoesNotMatch(@"\[\d+/\d+\] w", again.Stderr);
        Assert.Equal(SearchWorkspace.RunsPerSearch, CountJournaled(workspace.JournalPath, "Run"));
    }

    [Fact]
    public void A_second_process_on_a_running_search_is_refused_and_the_first_finishes_unharmed()
    {
        // Runs of 12 epochs: with the 1-epoch runs the whole search could end in the seconds the intruder takes to
        // start (a fresh-clone CI saw it exit 0 with the finished search).
        using var workspace = new SearchWorkspace("lottery.search.training.duration = \"12ep\"");
        using var running = CliProcess.Start("search", "--config", workspace.ConfigPath, "--json");
        running.WaitForLog($"[1/{SearchWorkspace.RunsPerSearch}]", Limit);

        var intruder = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath);
        Assert.Equal(3, intruder.ExitCode);
        Assert.Contains("already running in another process", intruder.Stderr);

        var finished = running.WaitForExit(Limit);
        Assert.True(finished.ExitCode == 0, finished.Stderr);
        Assert.Equal(SearchWorkspace.RunsPerSearch, SearchJson.Runs(finished.Stdout).Count);
        Assert.Equal(SearchWorkspace.RunsPerSearch, CountJournaled(workspace.JournalPath, "Run"));
    }

    private static long CountJournaled(string journal, string output) => JournalRows.CountOutputs(journal, output);
}
