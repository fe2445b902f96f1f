using System.Diagnostics;
using System.Text.Json;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Faults;

/// <summary>
/// Faults of the machine, injected under the real CLI: each ends with one line on stderr naming the cause, exit
/// code 5 and nothing journaled lost or journaled as a ticket's fate; once the fault is removed, the same command
/// ends with exactly the runs (hashes and accuracies) and ensembles of the undisturbed search (the class fixture).
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class FaultInjectionTests(CompletedSearch undisturbed) : IClassFixture<CompletedSearch>
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [MountFact]
    public void A_full_disk_under_the_artifacts_stops_with_exit_5_and_the_same_search_completes_once_space_is_freed()
    {
        using var disk = SmallDisk.Mount("4m");
        using var workspace = new SearchWorkspace($"lottery.runtime.artifacts = \"{disk.Path}\"");

        var full = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");

        Assert.Equal(5, full.ExitCode);
        var error = Assert.Single(full.ErrorLines);
        Assert.Contains("No space left on device", error);
        Assert.Contains(disk.Path, error);
        Assert.DoesNotContain(" at LotteryActors.", full.Stderr);
        Assert.Empty(Directory.GetFiles(disk.Path, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(0, Failed(workspace));

        disk.Grow("64m");
        var resumed = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        AssertSameAsUndisturbed(resumed, workspace);
    }

    [Fact]
    public void A_corrupt_init_on_resume_stops_with_exit_5_and_putting_the_file_back_completes_the_search()
    {
        using var workspace = new SearchWorkspace();
        using (var first = CliProcess.Start("search", "--config", workspace.ConfigPath))
        {
            first.WaitForLog($"[4/{SearchWorkspace.RunsPerSearch}]", Limit);
            first.Kill();
        }
        var journaled = JournalRows.CountOutputs(workspace.JournalPath, "Run");
        var init = ArtifactPath(workspace, Journaled.Read(workspace.JournalPath).Init);
        var original = File.ReadAllBytes(init);
        File.WriteAllBytes(init, original[..^16]);

        var failed = CliProcess.Run(Limit, "resume", undisturbed.SearchId, "--config", workspace.ConfigPath);

        Assert.Equal(5, failed.ExitCode);
        var error = Assert.Single(failed.ErrorLines);
        Assert.Contains(init, error);
        Assert.Contains("corrupt", error);
        // Runs that need no init (the random re-initialisation controls) may have gone on; none was lost.
        var journaledNow = JournalRows.CountOutputs(workspace.JournalPath, "Run");
        Assert.InRange(journaledNow, journaled, SearchWorkspace.RunsPerSearch - 1);
        Assert.Equal(0, Failed(workspace));

        File.WriteAllBytes(init, original);
        var resumed = CliProcess.Run(Limit, "resume", undisturbed.SearchId, "--config", workspace.ConfigPath, "--json");
        AssertSameAsUndisturbed(resumed, workspace);
    }

    [Fact]
    public void A_missing_artifact_during_ensembling_and_a_corrupt_one_after_it_stop_with_exit_5_until_repaired()
    {
        using var workspace = CopyOfUndisturbed();
        JournalRows.RewindToBeforeEnsembling(workspace.JournalPath);
        using var search = JsonDocument.Parse(undisturbed.SearchJson);
        var firstRun = search.RootElement.GetProperty("tickets")[0].GetProperty("runs")[0];
        var weights = ArtifactPath(workspace, firstRun.GetProperty("weightsHash").GetString()!);
        File.Move(weights, weights + ".away");

        var during = CliProcess.Run(Limit, "resume", undisturbed.SearchId, "--config", workspace.ConfigPath);

        Assert.Equal(5, during.ExitCode);
        var error = Assert.Single(during.ErrorLines);
        Assert.Contains(weights, error);
        Assert.Contains("missing", error);
        Assert.Equal(0, JournalRows.CountOutputs(workspace.JournalPath, "Ensemble"));

        File.Move(weights + ".away", weights);
        var repaired = CliProcess.Run(Limit, "resume", undisturbed.SearchId, "--config", workspace.ConfigPath,
            "--json");
        AssertSameAsUndisturbed(repaired, workspace);

        var original = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, original[..^16]);
        var after = CliProcess.Run(Limit, "compare", undisturbed.SearchId, "--config", workspace.ConfigPath);
        Assert.Equal(5, after.ExitCode);
        error = Assert.Single(after.ErrorLines);
        Assert.Contains(weights, error);
        Assert.Contains("corrupt", error);
        File.WriteAllBytes(weights, original);
        var fixedAgain = CliProcess.Run(Limit, "compare", undisturbed.SearchId, "--config", workspace.ConfigPath);
        Assert.True(fixedAgain.ExitCode == 0, fixedAgain.Stderr);
    }

    [Fact]
    public void A_corrupt_journal_is_named_in_one_line_within_seconds_and_the_restored_journal_resumes()
    {
        using var workspace = CopyOfUndisturbed();
        var journal = File.ReadAllBytes(workspace.JournalPath);
        File.WriteAllBytes(workspace.JournalPath, Enumerable.Repeat((byte)'x', 8192).ToArray());

        foreach (var command in new[] { "search", "status" })
        {
            var clock = Stopwatch.StartNew();
            var result = CliProcess.Run(Limit, command, "--config", workspace.ConfigPath);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{command} took {clock.Elapsed}");
            Assert.Equal(5, result.ExitCode);
            var error = Assert.Single(result.ErrorLines);
            Assert.Contains(workspace.JournalPath, error);
            Assert.Contains("not a database", error);
            Assert.True(result.Stderr.Split('\n').Length < 20, result.Stderr);
        }

        File.WriteAllBytes(workspace.JournalPath, journal);
        var restored = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        AssertSameAsUndisturbed(restored, workspace);
    }

    [MountFact]
    public void A_read_only_home_stops_search_with_exit_5_while_status_still_reads_it()
    {
        using var disk = SmallDisk.Mount("64m");
        using var workspace = new SearchWorkspace($"lottery.runtime.home = \"{disk.Path}\"");
        CopyDirectory(undisturbed.Workspace.Home, disk.Path);
        disk.ReadOnly();

        var refused = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath);

        Assert.Equal(5, refused.ExitCode);
        var error = Assert.Single(refused.ErrorLines);
        Assert.Contains("Read-only file system", error);
        Assert.Contains(disk.Path, error);
        Assert.DoesNotContain("already running", refused.Stderr);
        Assert.DoesNotContain(" at LotteryActors.", refused.Stderr);
        var status = CliProcess.Run(Limit, "status", "--config", workspace.ConfigPath, "--json");
        Assert.True(status.ExitCode == 0, status.Stderr);
        using (var listed = JsonDocument.Parse(SearchJson.FirstSearch(status.Stdout)))
            Assert.Equal("completed", listed.RootElement.GetProperty("phase").GetString());

        disk.Writable();
        var again = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(SearchJson.Runs(undisturbed.SearchJson), SearchJson.Runs(again.Stdout));
    }

    [PostgresFact]
    public void A_journal_database_going_away_mid_search_stops_with_exit_5_and_the_search_completes_once_it_is_back()
    {
        using var postgres = new TempPostgres();
        using var workspace = new SearchWorkspace(
            $"lottery.runtime {{ journal = postgresql, connection-string = \"{postgres.ConnectionString}\" }}");
        using (var running = CliProcess.Start("search", "--config", workspace.ConfigPath))
        {
            running.WaitForLog($"[3/{SearchWorkspace.RunsPerSearch}]", Limit);
            postgres.Stop();
            var stopped = running.WaitForExit(Limit);
            Assert.Equal(5, stopped.ExitCode);
            var error = Assert.Single(stopped.ErrorLines);
            Assert.Contains("could not write", error);
            Assert.Contains("journal", error);
            Assert.DoesNotContain(" at LotteryActors.", stopped.Stderr);
        }

        postgres.Start();
        var resumed = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(SearchJson.Runs(undisturbed.SearchJson), SearchJson.Runs(resumed.Stdout));
        Assert.Equal(Ensemble(undisturbed.SearchJson), Ensemble(resumed.Stdout));
        using var journal = new Npgsql.NpgsqlConnection(postgres.ConnectionString);
        journal.Open();
        Assert.Equal(SearchWorkspace.RunsPerSearch, JournalRows.Outputs(journal, "Run").Count);
    }

    private void AssertSameAsUndisturbed(CliResult result, SearchWorkspace workspace)
    {
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(SearchJson.Runs(undisturbed.SearchJson), SearchJson.Runs(result.Stdout));
        Assert.Equal(Ensemble(undisturbed.SearchJson), Ensemble(result.Stdout));
        Assert.Equal(SearchWorkspace.RunsPerSearch, JournalRows.CountOutputs(workspace.JournalPath, "Run"));
        Assert.Equal(0, Failed(workspace));
    }

    /// <summary>Units journaled as failed: diverged runs, and units that failed for good.</summary>
    private static long Failed(SearchWorkspace workspace) =>
        JournalRows.CountOutputs(workspace.JournalPath, "Failure")
        + JournalRows.Count(workspace.JournalPath, "WorkFailed.v1");

    private static string Ensemble(string searchJson)
    {
        using var doc = JsonDocument.Parse(searchJson);
        return doc.RootElement.GetProperty("ensemble").GetRawText();
    }

    private static string ArtifactPath(SearchWorkspace workspace, string hash) =>
        Path.Combine(workspace.Home, "artifacts", hash[..2], hash + ".safetensors");

    /// <summary>A new workspace holding a copy of the undisturbed search's journal and artifacts.</summary>
    private SearchWorkspace CopyOfUndisturbed()
    {
        var workspace = new SearchWorkspace();
        CopyDirectory(undisturbed.Workspace.Home, workspace.Home);
        return workspace;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative == "search.conf" || relative.StartsWith("logs", StringComparison.Ordinal))
                continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
