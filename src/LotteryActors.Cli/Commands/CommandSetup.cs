using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Training.Spec;
using Serilog;

namespace LotteryActors.Cli.Commands;

/// <summary>What every command needs first: the merged configuration, this node's runtime settings and a logger.</summary>
public sealed record CommandSetup(Config Config, RuntimeSettings Runtime, ILogger Log)
{
    /// <summary>Loads <paramref name="configPath"/> (or the embedded defaults alone) and starts logging.</summary>
    /// <param name="logToFile">False for commands that must leave the runtime home as they found it.</param>
    public static CommandSetup Load(string? configPath, bool logToFile = true)
    {
        var config = configPath is null ? LotteryConfig.Defaults : LotteryConfig.FromFile(configPath);
        var runtime = RuntimeSettings.Read(config);
        var log = Output.Logging.Configure(config, runtime.Home, logToFile);
        return new CommandSetup(config, runtime, log);
    }

    public SearchSpec ReadSpec() => SearchSpecReader.Read(Config);

    /// <summary>Akka settings of every actor system this process starts: its logs go to Serilog, never to stdout.</summary>
    public static Config AkkaOverrides => ConfigurationFactory.ParseString(Output.AkkaSerilogLogger.Hocon);
}
