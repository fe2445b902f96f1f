namespace LotteryActors.Cli.Tests.Support;

/// <summary>One finished search in its own workspace, shared by the tests of a class (xunit class fixture).</summary>
public sealed class CompletedSearch : IDisposable
{
    public CompletedSearch()
    {
        var result = CliProcess.Run(TimeSpan.FromMinutes(4), "search", "--config", Workspace.ConfigPath, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        SearchJson = result.Stdout;
        SearchId = Support.SearchJson.SearchId(result.Stdout);
    }

    public SearchWorkspace Workspace { get; } = new();

    /// <summary>What <c>search --json</c> printed.</summary>
    public string SearchJson { get; }

    public string SearchId { get; }

    public void Dispose() => Workspace.Dispose();
}
