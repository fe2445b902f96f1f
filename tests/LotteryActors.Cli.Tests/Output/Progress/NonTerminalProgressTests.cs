using System.Text.RegularExpressions;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Output.Progress;

/// <summary>
/// A real search whose stderr is a pipe, as in CI: one line per finished run, a progress line on the configured
/// interval (each well formed; an ETA only with a measured rate), and no per-chunk percentages.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed partial class NonTerminalProgressTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d INF\] progress: (\d+)/(\d+) runs, \d+ running(, \d+ examples/s, ETA \d+:\d\d)?$")]
    private static partial Regex ProgressLine();

    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d INF\] \[(\d+)/(\d+)\] w0-t[01] round \d")]
    private static partial Regex FinishedRunLine();

    [Fact]
    public void A_piped_search_prints_each_finished_run_once_and_progress_lines_without_per_chunk_noise()
    {
        using var workspace = new SearchWorkspace("lottery.log.progress-every = 1s");

        var result = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stderr.Split('\n', StringSplitOptions.TrimEntries);
        var finished = lines.Select(l => FinishedRunLine().Match(l)).Where(m => m.Success).ToList();
        Assert.Equal(Enumerable.Range(1, SearchWorkspace.RunsPerSearch),
            finished.Select(m => int.Parse(m.Groups[1].Value)).Order());
        Assert.All(finished, m => Assert.Equal($"{SearchWorkspace.RunsPerSearch}", m.Groups[2].Value));
        var progress = lines.Where(l => l.Contains("] progress: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, l => Assert.Matches(ProgressLine(), l));
        Assert.DoesNotContain(lines, l => l.Contains(": starting", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("% (", StringComparison.Ordinal));
    }
}
