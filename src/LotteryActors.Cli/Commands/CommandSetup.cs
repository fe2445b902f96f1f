using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Training.Data;
using LotteryActors.Training.Spec;
using Serilog;

namespace LotteryActors.Cli.Commands;

/// <summary>What every command needs first: the merged configuration, this node's runtime settings and a logger.</summary>
public sealed record CommandSetup(
    Config Config, RuntimeSettings Runtime, LogSettings LogSettings, ILogger Log)
{
    /// <summary>Loads <paramref name="configPath"/> (or the embedded defaults alone) and starts logging.</summary>
    /// <param name="logToFile">False for commands that must leave the runtime home as they found it.</param>
    public static CommandSetup Load(string? configPath, bool logToFile = true)
    {
        var (config, runtime, logSettings) = ReadSettings(configPath);
        var log = Output.Logging.Configure(logSettings, runtime.Home, logToFile);
        return new CommandSetup(config, runtime, logSettings, log);
    }

    /// <summary>
    /// The merged configuration, with the environment laid over it, and the runtime settings; writes nothing, so
    /// a bad file leaves no trace. One rule for every command (<see cref="ClusterEnvironment"/>): a variable that is
    /// set wins over the file, so a machine set up for a lab (LOTTERY_CONNECTION_STRING) reads the same database with
    /// <c>status</c> as it runs with <c>node</c>.
    /// </summary>
    public static (Config Config, RuntimeSettings Runtime, LogSettings Log) ReadSettings(string? configPath)
    {
        var file = configPath is null ? LotteryConfig.Defaults : LotteryConfig.FromFile(configPath);
        var config = ClusterEnvironment.Apply(file);
        return (config, RuntimeSettings.Read(config), LogSettings.Read(config));
    }

    public SearchSpec ReadSpec() => ReadSpec(Config);

    /// <summary>The validated spec, checked against its dataset's size before anything starts or is written.</summary>
    public static SearchSpec ReadSpec(Config config)
    {
        var spec = SearchSpecReader.Read(config);
        return SpecValidator.ValidateAgainst(spec, DatasetLoader.Measure(spec.Dataset));
    }

    /// <summary>Akka settings of every actor system this process starts: its logs go to Serilog, never to stdout.</summary>
    public static Config AkkaOverrides => ConfigurationFactory.ParseString(Output.Logging.AkkaHocon);
}
