using System.CommandLine;
using Akka.Actor;
using LotteryActors.Cli.Output;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Actors.Observability;
using Serilog;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>node --config cluster.conf</c>: a long-lived cluster node with the roles, address, seeds and slots of
/// <c>lottery.cluster</c> and <c>lottery.runtime</c> (environment variables override them). Runs until stopped
/// (Ctrl-C, SIGTERM: it leaves the cluster gracefully) or removed from the cluster (exit 5).
/// </summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var command = new Command("node", "Run a cluster node (coordinator and/or trainer) until stopped") { config };
        command.SetAction((parse, cancellation) => CommandRunner.RunAsync(async () =>
        {
            var setup = ClusterSetup.Load(parse.GetValue(config));
            // Before the node starts, so the first scrape already answers (every family at 0 until work flows).
            using var metrics = NodeMetrics.Serve(setup.Runtime.Metrics);
            // The launcher checks the database and the port before it builds the trainer role's runners.
            await using var node = await NodeLauncher.StartAsync(setup.Cluster, setup.Runtime,
                CommandSetup.AkkaOverrides, cancellation);
            Log.Information("node {Node} is up with roles {Roles}; {Slots} slot(s)",
                node.Id, string.Join(",", setup.Cluster.Roles), setup.Runtime.Slots);
            await Task.WhenAny(node.System.WhenTerminated, Task.Delay(Timeout.Infinite, cancellation));
            // SIGTERM reaches Akka's own exit hook too, which may stop the system before the token fires.
            var reason = CoordinatedShutdown.Get(node.System).ShutdownReason;
            if (cancellation.IsCancellationRequested || reason is CoordinatedShutdown.ClrExitReason)
                return ExitCodes.Success;
            throw new ClusterUnavailableException(
                "this node was removed from the cluster (downed by the split brain resolver, or it lost its " +
                "seed nodes); restart it to rejoin");
        }));
        return command;
    }
}
