using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Actor;
using LotteryActors.Cli.Output;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Actors.Observability;
using Serilog;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>node --config cluster.conf</c>: a long-lived cluster node with the roles, address, seeds and slots of
/// <c>lottery.cluster</c> and <c>lottery.runtime</c> (environment variables override them). Runs until stopped
/// (SIGTERM or Ctrl-C: a trainer node drains, for up to <c>work.drain-timeout</c>, then leaves the cluster and exits
/// 0) or removed from the cluster (exit 5).
/// </summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var command = new Command("node", "Run a cluster node (coordinator and/or trainer) until stopped") { config };
        command.SetAction(parse => CommandRunner.RunAsync(async () =>
        {
            using var stop = new StopSignals();
            var cancellation = stop.Requested;
            var setup = ClusterSetup.Load(parse.GetValue(config));
            // Before the node starts, so the first scrape already answers (every family at 0 until work flows).
            using var metrics = NodeMetrics.Serve(setup.Runtime.Metrics);
            // The launcher checks the database and the port before it builds the trainer role's runners.
            ClusterNode started;
            try
            {
                started = await NodeLauncher.StartAsync(setup.Cluster, setup.Runtime, CommandSetup.AkkaOverrides,
                    cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // Stopped before it joined: it held no work, so this is a stop like any other, not a failure.
                return ExitCodes.Success;
            }
            await using var node = started;
            Log.Information("node {Node} is up with roles {Roles}; {Slots} slot(s)",
                node.Id, string.Join(",", setup.Cluster.Roles), setup.Runtime.Slots);
            await Task.WhenAny(node.System.WhenTerminated, Task.Delay(Timeout.Infinite, cancellation));
            // Stopped by Ctrl-C, the node drains as it is disposed (ClusterNode's shutdown task), however long that
            // takes within the drain-timeout. SIGTERM and SIGHUP reach Akka's own handler first, which runs the same
            // shutdown, drain included, before the token fires.
            var reason = CoordinatedShutdown.Get(node.System).ShutdownReason;
            if (cancellation.IsCancellationRequested || reason is CoordinatedShutdown.ClrExitReason)
                return ExitCodes.Success;
            throw new ClusterUnavailableException(
                "this node was removed from the cluster (downed by the split brain resolver, or it lost its " +
                "seed nodes); restart it to rejoin");
        }));
        return command;
    }

    /// <summary>
    /// <c>node</c> stops itself on SIGTERM and Ctrl-C (<see cref="StopSignals"/>): System.CommandLine's own handling
    /// must be off for it (Program.cs sets no ProcessTerminationTimeout). It gives a command 2 s after the signal,
    /// then returns 130 (Ctrl-C) or 143 (SIGTERM) from the middle of the drain: a node stopped with Ctrl-C exited
    /// 130. SIGTERM escaped it only because Akka's own handler, registered later and so called first, holds the
    /// signal until the node's shutdown is over; an order of handlers is no contract.
    /// </summary>
    public static bool HandlesItsOwnSignals(ParseResult parse) => parse.CommandResult.Command.Name == "node";

    /// <summary>
    /// SIGTERM (systemd, docker stop) and SIGINT (Ctrl-C) as a request to stop: <see cref="Requested"/> fires and
    /// the signal's default is cancelled, so the process lives on until the node has drained and left. The bound
    /// is the node's drain-timeout (its shutdown phase's timeout is derived from it), never the signal's sender; a
    /// second signal changes nothing, SIGKILL ends it at once.
    /// </summary>
    private sealed class StopSignals : IDisposable
    {
        private readonly CancellationTokenSource requested = new();
        private readonly PosixSignalRegistration[] registrations;

        public StopSignals() => registrations =
            [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }.Select(s => PosixSignalRegistration.Create(s, On))];

        public CancellationToken Requested => requested.Token;

        private void On(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!requested.IsCancellationRequested)
                Log.Warning("{Signal:l}: this node stops once drained", context.Signal.ToString());
            requested.Cancel();
        }

        public void Dispose()
        {
            foreach (var registration in registrations)
                registration.Dispose();
            requested.Dispose();
        }
    }
}
