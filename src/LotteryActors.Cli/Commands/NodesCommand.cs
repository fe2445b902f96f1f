using System.CommandLine;
using LotteryActors.Cli.Output;
using LotteryActors.Cli.Report;
using LotteryActors.Cluster.Protocol;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>nodes [--json]</c>: every node of the running cluster, as <c>sinfo</c> or <c>ray status</c> shows one: its
/// address, roles, state, protocol version, slots and free slots, the units it runs, its give-backs within the
/// cordon window, and whether it is cordoned or draining. Trainer nodes that left are listed after the members.
/// The client that asks is a member too (no roles) while it asks.
/// </summary>
public static class NodesCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("nodes", "List the cluster's nodes: roles, slots, running units, failures, marks")
        {
            config, json,
        };
        command.SetAction((parse, cancellation) => CommandRunner.RunAsync(async () =>
        {
            var report = await OperatorClient.AskAsync(parse.GetValue(config), OperatorClient.Nodes, cancellation);
            if (parse.GetValue(json))
                JsonOutput.Write(new { report.Nodes });
            else
                Table(report.Nodes).WriteText(Results.Out);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static ReportTable Table(IReadOnlyList<NodeStatus> nodes) => new("nodes", "Nodes of the cluster",
        ["address", "roles", "state", "protocol", "slots", "free", "running", "failures", "marks"],
        nodes.Select(n => new object?[]
        {
            n.Address, n.Roles.Count == 0 ? "(client)" : string.Join(",", n.Roles), n.Status, n.ProtocolVersion,
            n.Slots, n.Free, n.Running.Count, n.RecentFailures, Marks(n),
        }).ToList(),
        "failures = units given back within the cordon window; `lottery drain|undrain|uncordon <address>`");

    private static string Marks(NodeStatus node) => string.Join(", ",
        new[] { node.Cordoned is { } why ? $"cordoned ({why})" : null, node.Draining ? "draining" : null }
            .OfType<string>());
}
