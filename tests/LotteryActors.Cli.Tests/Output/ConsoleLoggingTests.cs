using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Output;

/// <summary>What a person sees on the console: no Akka internals; an unwritable log file, said once.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class ConsoleLoggingTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lottery-logging-{Guid.NewGuid():N}");

    public ConsoleLoggingTests() => Directory.CreateDirectory(folder);

    /// <summary>A search of one short dense run: an actor system starts, journals, and shuts down.</summary>
    private CliResult SearchLoggingTo(string logFile)
    {
        var config = Path.Combine(folder, "search.conf");
        File.WriteAllText(config, $$"""
            lottery.search {
              name = logging
              dataset { train-subset = 1000, validation-size = 200, test-subset = 200 }
              tickets-per-width = 1
              training { duration = "20it", eval-interval = "10it" }
              pruning.rounds = 0
            }
            lottery.runtime { home = "{{Path.Combine(folder, "home")}}", slots = 1 }
            lottery.log.file = "{{logFile}}"
            """);
        var result = CliProcess.Run(Limit, "search", "--config", config);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result;
    }

    [Fact]
    public void Akka_start_and_shutdown_stay_off_the_console_but_reach_the_log_file()
    {
        var result = SearchLoggingTo(Path.Combine(folder, "lottery.log"));

        Assert.DoesNotContain("CoordinatedShutdown", result.Stderr);
        Assert.DoesNotContain("[INFO]", result.Stderr);
        Assert.Contains("search", result.Stdout);
        var logFile = Assert.Single(Directory.GetFiles(folder, "lottery*.log"));
        Assert.Contains("CoordinatedShutdown", File.ReadAllText(logFile));
    }

    [Fact]
    public void A_log_file_that_cannot_be_written_is_one_warning_and_the_command_still_works()
    {
        // A regular file where the log's folder should be: no user, root included, can create a file inside it.
        var blocker = Path.Combine(folder, "not-a-folder");
        File.WriteAllText(blocker, "");
        var log = Path.Combine(blocker, "lottery.log");

        var result = SearchLoggingTo(log);

        var warning = Assert.Single(result.Stderr.Split('\n'),
            line => line.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.StartsWith($"warning: cannot write the log file {log}", warning);
        Assert.EndsWith("; logging to the console only", warning);
        Assert.Contains("[1/1]", result.Stderr);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
