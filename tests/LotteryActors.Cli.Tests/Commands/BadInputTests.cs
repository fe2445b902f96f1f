using System.Security.Cryptography;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Commands;

/// <summary>
/// Bad input ends with one line on stderr naming what is wrong and what is allowed, exit code 2, and the journal
/// of an existing search byte-for-byte untouched.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class BadInputTests(CompletedSearch completed) : IClassFixture<CompletedSearch>
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("lottery.search.pruning.rate = 1.5", "lottery.search.pruning.rate", "allowed: (0, 1)")]
    [InlineData("lottery.search.pruning.rat = 0.2", "lottery.search.pruning.rat", "unknown key")]
    [InlineData("lottery.search.model.family = resnet-50", "lottery.search.model.family", "allowed: lenet-300-100, conv-2, conv-4, conv-6")]
    [InlineData("lottery.search.training.duration = ten", "lottery.search.training.duration", "\"20ep\" or \"500it\"")]
    [InlineData("lottery.search.model.widths = [1, -2]", "lottery.search.model.widths", "multipliers in (0, 64]")]
    [InlineData("lottery.runtime.device = tpu", "lottery.runtime.device", "allowed: cpu, cuda, cuda:N")]
    [InlineData("lottery.runtime.artifact-store = s3", "lottery.runtime.artifact-store",
        "allowed: directory, postgresql")]
    [InlineData("lottery.runtime.artifact-store = postgresql", "lottery.runtime.artifact-store",
        "journal = postgresql")]
    [InlineData("lottery.search.dataset.path = \"/nonexistent/fashion\"", "dataset file not found", "/nonexistent/fashion")]
    public void Bad_setting_is_one_clear_line_exit_code_2_and_leaves_the_journal_untouched(string setting, string names, string allowed)
    {
        var workspace = completed.Workspace;
        var journalBefore = Hash(workspace.JournalPath);
        var config = Path.Combine(workspace.Home, $"bad-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, File.ReadAllText(workspace.ConfigPath) + "\n" + setting + "\n");

        var result = CliProcess.Run(Limit, "search", "--config", config);

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.ErrorLines);
        Assert.Contains(names, error);
        Assert.Contains(allowed, error);
        Assert.DoesNotContain(" at LotteryActors.", result.Stderr);
        Assert.Equal(journalBefore, Hash(workspace.JournalPath));
    }

    [Fact]
    public void Missing_config_file_is_refused()
    {
        var result = CliProcess.Run(Limit, "search", "--config", "/nonexistent/search.conf");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: invalid setting '--config': file not found: /nonexistent/search.conf", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void Truncated_dataset_file_is_named_and_refused()
    {
        using var workspace = new SearchWorkspace();
        var data = Path.Combine(workspace.Home, "data");
        Directory.CreateDirectory(data);
        foreach (var file in Directory.GetFiles("/usr/share/datasets/fashion-mnist"))
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        var labels = Path.Combine(data, "t10k-labels-idx1-ubyte.gz");
        File.WriteAllBytes(labels, File.ReadAllBytes(labels)[..200]);
        File.AppendAllText(workspace.ConfigPath, $"\nlottery.search.dataset.path = \"{data}\"\n");

        var result = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath);

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.ErrorLines);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", error);
        Assert.Contains("truncated", error);
    }

    [Fact]
    public void Resume_of_an_unknown_search_id_is_refused()
    {
        using var workspace = new SearchWorkspace();
        var result = CliProcess.Run(Limit, "resume", "0123456789abcdef", "--config", workspace.ConfigPath);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no search '0123456789abcdef'", Assert.Single(result.ErrorLines));
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
