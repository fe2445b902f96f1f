using LotteryActors.Actors.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace LotteryActors.Cli.Output;

/// <summary>
/// Serilog for the whole process: console on stderr (stdout is for results), a rolling file, and Seq when
/// <c>lottery.runtime.seq.url</c> is set. The console carries one line per event and no stack traces (those go to the
/// file), and none of Akka's own information chatter; the file keeps everything.
/// </summary>
public static class Logging
{
    /// <summary>
    /// Seq's API key, read from the environment only: a config file is shared, copied and journaled in reports,
    /// a key is a secret. It is never logged.
    /// </summary>
    public const string SeqApiKeyVariable = "LOTTERY_SEQ_API_KEY";

    /// <summary>
    /// The console's level: a live progress view owns the terminal while it runs, and a log line written between
    /// its redraws would be torn apart, so it raises this to warnings (the file and Seq still get everything).
    /// </summary>
    public static readonly LoggingLevelSwitch ConsoleLevel = new(LogEventLevel.Verbose);

    /// <summary>
    /// Whether the console shows each unit a node's puller starts: a cluster node's record of where each unit ran,
    /// but noise for a search alone on its node (<c>lottery search</c>), whose per-run lines say it all. The file
    /// and Seq keep them either way.
    /// </summary>
    public static bool UnitStartsOnConsole { get; set; } = true;

    /// <summary>Akka settings that send its log events through Serilog with message templates.</summary>
    public const string AkkaHocon = """
        akka {
          loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]
          logger-formatter = "Akka.Logger.Serilog.SerilogLogMessageFormatter, Akka.Logger.Serilog"
          logger-startup-timeout = 10s
          # Akka's fallback logger (while loggers start and stop) writes raw lines; only warnings get through.
          stdout-loglevel = WARNING
          loglevel = INFO
        }
        """;

    /// <param name="toFile">False for read-only commands (status): they must not create a home or a log file.</param>
    public static ILogger Configure(LogSettings settings, string home, bool toFile = true)
    {
        var level = Enum.Parse<LogEventLevel>(settings.Level, ignoreCase: true);
        var file = settings.File.Length > 0 ? settings.File : Path.Combine(home, "logs", "lottery-.log");
        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Node", Environment.MachineName)
            // Stack traces go to the file only: on the console a failure is the one line that names its cause;
            // fatal events stay off it too, since CommandRunner's one line already says why the process ends.
            .WriteTo.Logger(console => console
                .Filter.ByExcluding(e => IsAkkaChatter(e) || IsQuietUnitStart(e) || e.Level == LogEventLevel.Fatal)
                .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, levelSwitch: ConsoleLevel,
                    outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}"));
        if (toFile)
            logger = logger.WriteTo.Fallible(
                sink => sink.File(file, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14),
                new LogFileFailure(file));
        if (settings.SeqUrl.Length > 0)
            logger = logger.WriteTo.Seq(settings.SeqUrl,
                apiKey: Environment.GetEnvironmentVariable(SeqApiKeyVariable) is { Length: > 0 } key ? key : null);
        Log.Logger = logger.CreateLogger();
        return Log.Logger;
    }

    /// <summary>Akka's own events below warning (start-up, coordinated shutdown): the file keeps them.</summary>
    private static bool IsQuietUnitStart(LogEvent e) =>
        !UnitStartsOnConsole && e.Level < LogEventLevel.Warning && SourceOf(e) == PullerSource;

    private const string PullerSource = "LotteryActors.Cluster.Trainers.WorkPuller";

    private static string? SourceOf(LogEvent e) =>
        e.Properties.TryGetValue(Constants.SourceContextPropertyName, out var source)
        && source is ScalarValue { Value: string name } ? name : null;

    private static bool IsAkkaChatter(LogEvent e) =>
        e.Level < LogEventLevel.Warning && SourceOf(e) is { } name
        && name.StartsWith("Akka.", StringComparison.Ordinal);

    /// <summary>
    /// A log file that cannot be written (read-only home, full disk) is said once, in one line, and the run goes on
    /// with the console: losing the log file is no reason to lose the work.
    /// </summary>
    private sealed class LogFileFailure(string file) : ILoggingFailureListener
    {
        private int reported;

        public void OnLoggingFailed(object sender, LoggingFailureKind kind, string message,
            IReadOnlyCollection<LogEvent>? events, Exception? exception)
        {
            if (Interlocked.Exchange(ref reported, 1) == 0)
                Console.Error.WriteLine($"warning: cannot write the log file {file}" +
                                        (exception is null ? "" : $" ({exception.Message})") +
                                        "; logging to the console only");
        }
    }
}
