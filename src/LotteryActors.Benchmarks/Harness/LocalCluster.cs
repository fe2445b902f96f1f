using System.Globalization;
using System.Text.RegularExpressions;

namespace LotteryActors.Benchmarks.Harness;

/// <summary>
/// Real <c>lottery node</c> processes on 127.0.0.1 over one PostgreSQL database, as a lab runs them: every node's
/// config includes the same file (<paramref name="include"/>) and the same lines (<paramref name="hocon"/>), and
/// what differs per node (roles, port, seeds, slots, database) comes from the environment, as on lab machines.
/// The cluster benchmark and the cluster kill test start their nodes here; disposing kills what is still running.
/// </summary>
public sealed partial class LocalCluster(string folder, string connectionString, string include, string hocon)
    : IDisposable
{
    private readonly List<CliProcess> nodes = [];

    /// <summary>A node's config file: its own home under the folder, the shared include and lines, then lines of
    /// its own (<paramref name="own"/>: what one node of a test sets apart from the others).</summary>
    public string Config(string name, string own = "")
    {
        var config = Path.Combine(folder, $"{name}.conf");
        Directory.CreateDirectory(folder);
        File.WriteAllText(config, $$"""
            include "{{include}}"
            lottery.runtime.home = "{{Path.Combine(folder, name)}}"
            {{hocon}}
            {{own}}
            """);
        return config;
    }

    /// <summary>The environment that makes a process a member of this cluster (or a client of it).</summary>
    public IReadOnlyDictionary<string, string?> Environment(string seeds, string? roles = null, int port = 0,
        int slots = 1) => new Dictionary<string, string?>
    {
        ["LOTTERY_ROLES"] = roles,
        ["LOTTERY_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        ["LOTTERY_SEED_NODES"] = seeds,
        ["LOTTERY_SLOTS"] = slots.ToString(CultureInfo.InvariantCulture),
        ["LOTTERY_CONNECTION_STRING"] = connectionString,
    };

    public CliProcess Start(string name, string roles, int port, string seeds, int slots = 1, string own = "")
    {
        var node = CliProcess.Start(Environment(seeds, roles, port, slots), "node", "--config", Config(name, own));
        nodes.Add(node);
        return node;
    }

    /// <summary>Seeds for nodes on these ports of 127.0.0.1.</summary>
    public static string Seeds(IEnumerable<int> ports) => string.Join(',', ports.Select(p => $"127.0.0.1:{p}"));

    /// <summary>The work id of a training unit (not an init) the node logged starting after line
    /// <paramref name="fromLine"/> of its stderr; null while there is none. That unit is leased to it and running.
    /// </summary>
    public static string? TrainingSince(CliProcess node, int fromLine) => node.Stderr.Split('\n').Skip(fromLine)
        .Select(line => StartsTraining().Match(line)).FirstOrDefault(m => m.Success)?.Groups["id"].Value;

    public static int LineCount(CliProcess node) => node.Stderr.Split('\n').Length - 1;

    public void Dispose()
    {
        foreach (var node in nodes)
            node.Dispose();
    }

    // Serilog may quote the work id: "…/r1/ticket": starting …
    [GeneratedRegex(@"""?(?<id>[0-9a-f]+/w\d+-t\d+/r\d+/[a-z-]+)""?: starting ")]
    private static partial Regex StartsTraining();
}
