using System.CommandLine;
using LotteryActors.Cli.Output;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>drain &lt;node&gt;</c>, <c>undrain &lt;node&gt;</c> and <c>uncordon &lt;node&gt;</c>: an operator sets or lifts
/// a node's mark, naming the node by its address as <c>lottery nodes</c> prints it (or its id). A node that is no
/// member is bad input (exit 2); a node that already is (or is not) so marked is told, not an error.
/// </summary>
public static class NodeMarkCommand
{
    public static Command Drain() => Create("drain",
        "Drain a node: what it runs finishes, it takes no new units (journaled)",
        (client, node) => SetDrain(client, node, drain: true));

    public static Command Undrain() => Create("undrain", "Let a drained node take units again",
        (client, node) => SetDrain(client, node, drain: false));

    public static Command Uncordon() => Create("uncordon",
        "Lift the cordon of a node that gave units back too often", Uncordon);

    /// <summary>What one node's change did: <paramref name="State"/> is its mark now (draining, up, uncordoned);
    /// <paramref name="Changed"/> is false when it was so already.</summary>
    private sealed record Change(string Node, string Address, string State, bool Changed);

    private static Command Create(string name, string description, Func<ClusterNode, NodeStatus, Task<Change>> set)
    {
        var node = new Argument<string>("node") { Description = "The node's address (host:port) as `nodes` prints it" };
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command(name, description) { node, config, json };
        command.SetAction((parse, cancellation) => CommandRunner.RunAsync(async () =>
        {
            var changes = await OperatorClient.AskAsync(parse.GetValue(config), async client =>
            {
                var named = OperatorClient.Named(await OperatorClient.Nodes(client), parse.GetValue(node)!);
                var done = new List<Change>();
                foreach (var member in named)
                    done.Add(await set(client, member));
                return done;
            }, cancellation);
            if (parse.GetValue(json))
                JsonOutput.Write(new { Nodes = changes });
            else
                changes.ForEach(c => Results.Out.WriteLine($"{c.Address}: {c.State}{(c.Changed ? "" : " (already)")}"));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<Change> SetDrain(ClusterNode client, NodeStatus member, bool drain)
    {
        var set = await ClusterClient.Ask<DrainSet>(client, new DrainRequested(member.Node, drain));
        return new Change(member.Node, member.Address, set.Draining ? "draining" : "up", set.Changed);
    }

    private static async Task<Change> Uncordon(ClusterNode client, NodeStatus member)
    {
        var lifted = await ClusterClient.Ask<Uncordoned>(client, new UncordonRequested(member.Node));
        return new Change(member.Node, member.Address, "uncordoned", lifted.Nodes.Contains(member.Node));
    }
}
