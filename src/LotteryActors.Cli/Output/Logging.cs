using Akka.Configuration;
using Serilog;
using Serilog.Events;

namespace LotteryActors.Cli.Output;

/// <summary>
/// Serilog for the whole process: console on stderr (stdout is for results), a rolling file, and Seq when
/// <c>lottery.log.seq-url</c> is set.
/// </summary>
public static class Logging
{
    public static ILogger Configure(Config config, string home, bool toFile = true)
    {
        var level = Enum.TryParse<LogEventLevel>(config.GetString("lottery.log.level"), ignoreCase: true, out var l)
            ? l
            : LogEventLevel.Information;
        var file = config.GetString("lottery.log.file");
        if (string.IsNullOrEmpty(file))
            file = Path.Combine(home, "logs", "lottery-.log");
        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Node", Environment.MachineName)
            // Stack traces go to the file only: on the console a failure is the one line that names its cause.
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose,
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}");
        // Read-only commands (status) must not create a home or a log file where there was none.
        if (toFile)
            logger = logger.WriteTo.File(file, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14);
        var seq = config.GetString("lottery.log.seq-url");
        if (!string.IsNullOrEmpty(seq))
            logger = logger.WriteTo.Seq(seq);
        Log.Logger = logger.CreateLogger();
        return Log.Logger;
    }
}
