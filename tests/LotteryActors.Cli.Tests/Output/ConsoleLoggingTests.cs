using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Output;

/// <summary>What a person sees on the console: no Akka internals; an unwritable log file, said once.</summary>
public sealed class ConsoleLoggingTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lottery-logging-{Guid.NewGuid():N}");

    public ConsoleLoggingTests() => Directory.CreateDirectory(folder);

    private string Config(string hocon)
    {
        var path = Path.Combine(folder, "status.conf");
        File.WriteAllText(path, $"lottery.runtime.home = \"{Path.Combine(folder, "home")}\"\n{hocon}\n");
        return path;
    }

    [Fact]
    public void AkkaStartAndShutdownStayOffTheConsoleButReachTheLogFile()
    {
        var log = Path.Combine(folder, "lottery.log");
        var result = CliProcess.Run(Limit, "status", "--config", Config($"lottery.log.file = \"{log}\""));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.StartsWith("no searches in ", result.Stdout);
        Assert.DoesNotContain("CoordinatedShutdown", result.Stderr);
        Assert.DoesNotContain("[INFO]", result.Stderr);
        var logFile = Assert.Single(Directory.GetFiles(folder, "lottery*.log"));
        Assert.Contains("CoordinatedShutdown", File.ReadAllText(logFile));
    }

    [Fact]
    public void ALogFileThatCannotBeWrittenIsOneWarningAndTheCommandStillWorks()
    {
        // A regular file where the log's folder should be: no user, root included, can create a file inside it.
        var blocker = Path.Combine(folder, "not-a-folder");
        File.WriteAllText(blocker, "");
        var log = Path.Combine(blocker, "lottery.log");

        var result = CliProcess.Run(Limit, "status", "--config", Config($"lottery.log.file = \"{log}\""));

        Assert.True(result.ExitCode == 0, result.Stderr);
        var warning = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"warning: cannot write the log file {log}", warning);
        Assert.EndsWith("); logging to the console only", warning);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
