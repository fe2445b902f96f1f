using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Serilog;
using Serilog.Events;

namespace LotteryActors.Cli.Output;

/// <summary>
/// Routes Akka's own log events into the process's Serilog pipeline, so actors, trainers and Akka internals land
/// in the same console, file and Seq streams, tagged with the logging actor's path as <c>Actor</c>.
/// </summary>
public sealed class AkkaSerilogLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public const string Hocon = """
        akka {
          loggers = ["LotteryActors.Cli.Output.AkkaSerilogLogger, lottery"]
          logger-startup-timeout = 10s
          # Akka's fallback logger, used while loggers start and stop, writes to Console.Out, which Results sends to stderr.
          stdout-loglevel = WARNING
          loglevel = INFO
        }
        """;

    public AkkaSerilogLogger()
    {
        Receive<Akka.Event.LogEvent>(Write);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
    }

    private static void Write(Akka.Event.LogEvent e)
    {
        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => LogEventLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => LogEventLevel.Information,
            Akka.Event.LogLevel.WarningLevel => LogEventLevel.Warning,
            _ => LogEventLevel.Error,
        };
        Log.ForContext("Actor", e.LogSource).Write(level, e.Cause, "{AkkaMessage:l}", e.Message?.ToString());
    }
}
