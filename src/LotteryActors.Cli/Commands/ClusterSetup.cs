using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Hosting;

namespace LotteryActors.Cli.Commands;

/// <summary>What the cluster commands read first: the settings every command reads
/// (<see cref="CommandSetup.ReadSettings"/>, the environment laid over the file), and the cluster's.</summary>
public sealed record ClusterSetup(Config Config, RuntimeSettings Runtime, ClusterSettings Cluster, LogSettings Log)
{
    public static ClusterSetup Load(string? configPath)
    {
        var (config, runtime, log) = CommandSetup.ReadSettings(configPath);
        var cluster = ClusterSettings.Read(config, runtime);
        Output.Logging.Configure(log, runtime.Home);
        return new ClusterSetup(config, runtime, cluster, log);
    }
}
