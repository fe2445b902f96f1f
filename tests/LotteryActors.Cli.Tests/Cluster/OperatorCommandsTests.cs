using System.Text.Json;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Cluster;

/// <summary>
/// The operator's commands against two real <c>lottery node</c> processes on 127.0.0.1 over a throwaway PostgreSQL,
/// in one cluster start: <c>nodes</c>, <c>drain</c>, <c>undrain</c>, <c>uncordon</c> and <c>cancel</c> (each with
/// <c>--json</c>), a node or search that does not exist (exit 2), <c>status</c> showing the search cancelled, and
/// <c>resume</c> carrying it on to the end.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class OperatorCommandsTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static readonly string NodeHocon = $$"""
        {{SearchWorkspace.Search}}
        lottery.runtime { chunk-iterations = 10, torch-threads = 1, artifact-store = postgresql }
        lottery.cluster {
          stable-after = 3s
          # Nodes on a CI machine that others load: 13 s of silence before a healthy node is downed, not 8.
          failure-detector.acceptable-heartbeat-pause = 10s
          # Under lease-majority a dead holder's database lease must have expired when the survivors decide
          # (stable-after + the pause, 13 s here); 6 s lets a successor start soon.
          lease { heartbeat-timeout = 6s, heartbeat-interval = 1s }
          join-timeout = 90s
          work { lease-timeout = 8s, expiry-check = 1s, renew-every = 2s, pull-every = 1s, redeliver-every = 1s }
        }
        """;

    private readonly ProcessCluster lab = new("operator", NodeHocon);

    public void Dispose() => lab.Dispose();

    [PostgresFact]
    public void An_operator_lists_drains_cancels_and_resumes_with_one_line_and_exit_2_for_what_does_not_exist()
    {
        var ports = new[] { FreePort.Next(), FreePort.Next() };
        var seeds = LocalCluster.Seeds(ports);
        var cluster = lab.Nodes!;
        var nodes = new[]
        {
            cluster.Start("first", "coordinator,trainer", ports[0], seeds),
            cluster.Start("second", "trainer", ports[1], seeds),
        };
        foreach (var node in nodes)
            node.WaitForLog("is up with roles", Limit);
        var addresses = ports.Select(p => $"127.0.0.1:{p}").ToArray();
        // A machine that reaches the seeds and the journal (status and resume read it), as the README sets one up.
        var client = Path.Combine(lab.Folder, "operator.conf");
        File.WriteAllText(client, $"""
            include "{cluster.Config("client")}"
            lottery.runtime.connection-string = "{lab.Postgres!.ConnectionString}"
            lottery.cluster.seed-nodes = "{seeds}"
            """);
        string[] Lottery(params string[] args) => [.. args, "--config", client];

        var listed = Run(Lottery("nodes", "--json"));
        var rows = JsonDocument.Parse(listed.Stdout).RootElement.GetProperty("nodes").EnumerateArray().ToList();
        var first = Assert.Single(rows, r => r.GetProperty("address").GetString() == addresses[0]);
        Assert.Equal("coordinator,trainer", string.Join(",", first.GetProperty("roles").EnumerateArray()));
        Assert.Equal(("up", "8"), (first.GetProperty("status").GetString(),
            first.GetProperty("protocolVersion").GetString()));
        Assert.Single(rows, r => r.GetProperty("address").GetString() == addresses[1]);
        // The asking client is a member too, with no roles.
        Assert.Contains(rows, r => r.GetProperty("roles").GetArrayLength() == 0);

        // Both nodes drained, so the search submitted next cannot finish before it is cancelled.
        foreach (var address in addresses)
            Assert.True(Json(Lottery("drain", address, "--json")).GetProperty("nodes")[0].GetProperty("changed")
                .GetBoolean());
        Assert.Contains("draining", Run(Lottery("nodes")).Stdout);
        var searchId = Json(Lottery("submit", "--priority", "3", "--json")).GetProperty("searchId").GetString()!;
        var cancelled = Json(Lottery("cancel", searchId, "--json"));
        Assert.True(cancelled.GetProperty("cancelled").GetBoolean());
        var status = Json(Lottery("status", searchId, "--json")).GetProperty("searches")[0];
        Assert.Equal(("cancelled", 3),
            (status.GetProperty("phase").GetString(), status.GetProperty("priority").GetInt32()));
        Assert.Contains("(already)", Run(Lottery("uncordon", addresses[1])).Stdout);
        BadInput(Lottery("drain", "127.0.0.1:1"), "no node '127.0.0.1:1' in the cluster");
        BadInput(Lottery("cancel", "0000000000000000"), "no search '0000000000000000' on the cluster");
        // Submitted again, the cancelled search goes on (still on drained nodes), and the client is told so.
        Assert.Equal($"{searchId} (resumed: an operator had cancelled it)", Run(Lottery("submit")).Stdout.Trim());

        foreach (var address in addresses)
            Assert.Equal("up", Json(Lottery("undrain", address, "--json")).GetProperty("nodes")[0]
                .GetProperty("state").GetString());
        var resumed = Json(Lottery("resume", searchId, "--json"));
        Assert.True(resumed.GetProperty("completed").GetBoolean());
        Assert.Equal("completed", Json(Lottery("status", searchId, "--json")).GetProperty("searches")[0]
            .GetProperty("phase").GetString());
        // Submitted again without one, the search kept the priority it was first given.
        Assert.Contains("completed, priority 3", Run(Lottery("status")).Stdout);
    }

    private static CliResult Run(string[] args)
    {
        var result = CliProcess.Run(Limit, args);
        Assert.True(result.ExitCode == 0, $"lottery {string.Join(' ', args)}: {result.Stderr}");
        return result;
    }

    private static JsonElement Json(string[] args) => JsonDocument.Parse(Run(args).Stdout).RootElement;

    private static void BadInput(string[] args, string line)
    {
        var result = CliProcess.Run(Limit, args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(line, Assert.Single(result.ErrorLines));
    }
}
