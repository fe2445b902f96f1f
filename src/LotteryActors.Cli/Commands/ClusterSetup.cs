using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Hosting;

namespace LotteryActors.Cli.Commands;

/// <summary>What the cluster commands read first: the config file with the environment laid over it.</summary>
public sealed record ClusterSetup(Config Config, RuntimeSettings Runtime, ClusterSettings Cluster, LogSettings Log)
{
    public static ClusterSetup Load(string? configPath)
    {
        var file = configPath is null ? LotteryConfig.Defaults : LotteryConfig.FromFile(configPath);
        var config = ClusterEnvironment.Apply(file);
        var runtime = RuntimeSettings.Read(config);
        var cluster = ClusterSettings.Read(config, runtime);
        var log = LogSettings.Read(config);
        Output.Logging.Configure(log, runtime.Home);
        return new ClusterSetup(config, runtime, cluster, log);
    }
}
