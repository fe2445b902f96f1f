using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Commands;

/// <summary>
/// Misuse of the command line, and config files that cannot be used, end in exactly one line on stderr, nothing on
/// stdout, exit code 2, and nothing written: no help text, no stack trace, no native abort.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class UsageErrorTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lottery-usage-{Guid.NewGuid():N}");

    public UsageErrorTests() => Directory.CreateDirectory(folder);

    private string Home => Path.Combine(folder, "home");

    private string Config(string hocon)
    {
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, $"lottery.runtime.home = \"{Home}\"\n{hocon}\n");
        return path;
    }

    private void AssertOneLineExit2(string expected, params string[] args)
    {
        var result = CliProcess.Run(Limit, args);
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}:\n{result.Stderr}");
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        Assert.Equal("", result.Stdout);
        Assert.False(Directory.Exists(Home), "the runtime home was created");
    }

    [Theory]
    [InlineData("unknown command or option 'serch' (did you mean 'search'?)", "serch")]
    [InlineData("Required command was not provided")]
    [InlineData("Required argument missing for command: 'resume'", "resume")]
    [InlineData("Option '--out' is required", "report", "0123456789abcdef")]
    [InlineData("unknown command or option '--confg' (did you mean '--config'?)", "search", "--confg", "x.conf")]
    [InlineData("Cannot parse argument 'abc' for option '--threads'", "train-ticket", "--threads", "abc")]
    [InlineData("--threads is 0; allowed: 1 or more", "train-ticket", "--threads", "0")]
    [InlineData("--threads is 0; allowed: 1 or more", "verify", "0123456789abcdef", "--threads", "0")]
    [InlineData("--epochs is 0; allowed: 1 or more", "bench", "--epochs", "0")]
    [InlineData("--epochs is -2; allowed: 1 or more", "bench", "--epochs", "-2")]
    [InlineData("--repeats is 0; allowed: 1 or more", "bench", "--repeats", "0")]
    [InlineData("unknown command or option '--jsn' (did you mean '--json'?); see 'lottery bench conv --help'",
        "bench", "conv", "--jsn")]
    [InlineData("see 'lottery search --help'", "search", "--confg", "x.conf")]
    public void Argument_misuse_is_one_line_and_exit_code_2(string expected, params string[] args) =>
        AssertOneLineExit2(expected, args);

    [Fact]
    public void A_report_into_an_existing_file_is_refused_before_anything_runs()
    {
        var file = Path.Combine(folder, "report.html");
        File.WriteAllText(file, "keep me");
        AssertOneLineExit2($"--out {file} is a file; give a folder", "report", "0123456789abcdef", "--out", file);
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("x")]
    [InlineData("101")]
    public void A_priority_out_of_range_or_not_a_number_is_refused_before_anything_is_submitted(string priority) =>
        AssertOneLineExit2($"--priority is {priority}; allowed: a whole number from 1 to 100; see 'lottery submit",
            "submit", "--config", Config(""), "--priority", priority);

    [Fact]
    public void A_missing_include_is_one_line_naming_it() =>
        AssertOneLineExit2($"included file not found: {Path.Combine(folder, "shared", "recipe.conf")}",
            "search", "--config", Config("include \"shared/recipe.conf\""));

    [Theory]
    [InlineData("lottery.search.pruning.rewind = \"25ep\"", "'lottery.search.pruning.rewind': is 25ep; it must")]
    [InlineData("lottery.search { training.duration = \"2ep\", pruning.rewind = \"5000it\" }", "of 916 per epoch")]
    [InlineData("lottery.search.dataset.test-subset = 20000", "the test set in /usr/share/datasets/fashion-mnist has")]
    [InlineData("lottery.runtime.device = \"cuda:0\"", "libtorch finds no CUDA device")]
    [InlineData("lotery.search.name = typo", "unknown root 'lotery'")]
    public void A_cross_field_or_root_error_fails_before_the_search_starts(string hocon, string expected) =>
        AssertOneLineExit2(expected, "search", "--config", Config(hocon));

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
