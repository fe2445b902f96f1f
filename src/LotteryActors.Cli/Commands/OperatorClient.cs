using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// What the operator's commands share (<c>nodes</c>, <c>drain</c>, <c>undrain</c>, <c>uncordon</c>,
/// <c>cancel</c>): a client that joins the cluster through a seed node (as <c>submit</c> does), asks the coordinator
/// and leaves; and how a node named on the command line is found.
/// </summary>
public static class OperatorClient
{
    public static async Task<T> AskAsync<T>(string? configPath, Func<ClusterNode, Task<T>> ask,
        CancellationToken cancellation)
    {
        var setup = ClusterSetup.Load(configPath);
        await using var node = await ClusterClient.StartAsync(setup, cancellation);
        return await ask(node);
    }

    public static Task<NodesReport> Nodes(ClusterNode client) =>
        ClusterClient.Ask<NodesReport>(client, NodesRequested.Instance);

    /// <summary>
    /// The members that <paramref name="name"/> names (their address as <c>lottery nodes</c> prints it, or their
    /// id): every incarnation at that address that is still a member. None is bad input: one line, exit 2.
    /// </summary>
    public static IReadOnlyList<NodeStatus> Named(NodesReport report, string name)
    {
        var named = report.Nodes.Where(n => n.Status != "left" && NodeId.Names(n.Node, name)).ToList();
        return named.Count > 0
            ? named
            : throw new SpecException("node", $"no node '{name}' in the cluster; `lottery nodes` lists them");
    }
}
