using System.Text.Json;
using LotteryActors.Benchmarks.Cluster;
using LotteryActors.Cli.Tests.Support;
using LotteryActors.Cluster.Protocol;
using Npgsql;

namespace LotteryActors.Cli.Tests.Cluster;

/// <summary>
/// The cluster as a lab runs it, for real: a throwaway PostgreSQL and three <c>lottery node</c> processes on
/// 127.0.0.1 (one coordinator+trainer, two trainers, one slot each). A small search is submitted; one trainer node
/// is SIGKILLed while it trains a unit, later the coordinator's node is SIGKILLed while it trains one too, and a
/// replacement coordinator node is started. The search must still finish with every unit journaled exactly once
/// and with the weights hashes and accuracies of a single-node <c>lottery search</c> of the same spec: a lost
/// lease, a crashed singleton and its recovery from the journal change nothing a scientist can see. The same holds
/// for trainer nodes that stack, against a single node that stacks: a node killed while it holds a stack's runs
/// loses them to the other, which trains each in its own place of a stack again. And a search with several inits
/// per width runs on the cluster as on a single node.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class ClusterKillTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    // libtorch's intra-op reductions sum in an order that depends on its thread count: bit-identical weights need
    // the same count in the baseline and on every node (the default, cores / slots, differs between them).
    private const int TorchThreads = 1;

    // Short deadlines so that a death is noticed in seconds, not the lab's minutes; no shared folder: artifacts
    // travel through the journal's database, each node caching its own.
    private static readonly string NodeHocon = $$"""
        lottery.runtime {
          chunk-iterations = 10
          torch-threads = {{TorchThreads}}
          min-backoff = 100ms
          artifact-store = postgresql
        }
        lottery.cluster {
          stable-after = 3s
          down-removal-margin = 2s
          # Four nodes on a CI machine that others load: 13 s of silence before a healthy node is downed, not 8.
          failure-detector.acceptable-heartbeat-pause = 10s
          # A dead holder's database lease must have expired when the survivors decide (stable-after + the pause).
          lease { heartbeat-timeout = 6s, heartbeat-interval = 1s }
          join-timeout = 90s
          work { lease-timeout = 8s, expiry-check = 1s, renew-every = 2s, pull-every = 1s, redeliver-every = 1s }
        }
        """;

    // Stacks of the search's two tickets, on every node and in the baseline alike.
    private const string Stacked = "lottery.runtime { engine = stacked, stack-size = 2 }";

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lottery-kill-{Guid.NewGuid():N}");
    private readonly TempPostgres? postgres;
    private LocalCluster? cluster;

    public ClusterKillTests()
    {
        Directory.CreateDirectory(folder);
        if (TempPostgres.WhyNot is not null)
            return;
        postgres = new TempPostgres();
    }

    public void Dispose()
    {
        // Children first (they hold connections), then the server, then the files; each even when the test failed.
        cluster?.Dispose();
        postgres?.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still be releasing files; the OS temp cleaner takes what is left.
        }
    }

    [PostgresFact]
    public void A_search_survives_the_SIGKILL_of_a_trainer_node_and_of_the_coordinators_node_unchanged()
    {
        var baseline = SingleNodeSearch(engine: "");
        var expectedUnits = baseline.Runs.Count + 2; // every run, the one width's init and the search's ensembles
        cluster = NewCluster(engine: "");

        // The coordinator's node gets the highest port: keep-majority keeps, on a tie, the side with the lowest
        // address, so this scenario holds under it too (lease-majority, the default, needs no such care).
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).Order().ToArray();
        var (trainerA, trainerB, coordinatorPort) = (ports[0], ports[1], ports[2]);
        var seeds = LocalCluster.Seeds([coordinatorPort, trainerA, trainerB]);
        var coordinator = cluster.Start("coordinator", "coordinator,trainer", coordinatorPort, seeds);
        var first = cluster.Start("trainer-a", "trainer", trainerA, seeds);
        var second = cluster.Start("trainer-b", "trainer", trainerB, seeds);
        foreach (var node in new[] { coordinator, first, second })
            node.WaitForLog("is up with roles", Limit);

        var submitted = CliProcess.Run(Limit, "submit", "--config", SpecFile(seeds), "--json");
        Assert.True(submitted.ExitCode == 0, submitted.Stderr);
        var searchId = JsonDocument.Parse(submitted.Stdout).RootElement.GetProperty("searchId").GetString()!;
        Assert.Equal(baseline.SearchId, searchId);
        // A user follows the search through both deaths and the coordinator's hand-over.
        using var watching = Following(seeds);

        // A trainer node dies in the middle of a training unit: its lease must end and the unit run elsewhere.
        var (victim, victimPort) = WaitForTraining([(first, trainerA), (second, trainerB)]);
        victim.Kill();
        Poll.Until(() => LeasesEndedOn(victimPort) > 0, "the killed trainer's lease to end", Limit);

        // Later the coordinator's node dies while it holds a training unit (so the singleton and a lease go
        // together): read from the journal, so a unit it started before the first death counts too (waiting for a
        // new start line once timed out on a loaded machine, the other trainer taking what was left).
        Poll.Until(() => HoldsTrainingUnit(coordinatorPort), "training unit held by the coordinator's node", Limit);
        Assert.True(Completed().Count < expectedUnits, "the search finished before the coordinator was killed");
        coordinator.Kill();
        var replacement = cluster.Start("replacement", "coordinator,trainer", 0, seeds);
        replacement.WaitForLog("coordinator recovered: 1 search(es)", Limit);

        Poll.Until(() => Completed().Count >= expectedUnits, $"{expectedUnits} units to be journaled", Limit);
        var watched = watching.WaitForExit(Limit);
        Assert.True(watched.ExitCode == 0, watched.Stderr);
        Assert.Equal(baseline.SearchJson, watched.Stdout);
        // The coordinator agrees the search is done (an answer from the recovered singleton, not only rows), and
        // submit --wait prints what `search` prints, document and tables, read from the cluster's journal.
        var followed = CliProcess.Run(Limit, "submit", "--config", SpecFile(seeds), "--wait", "--json");
        Assert.True(followed.ExitCode == 0, followed.Stderr);
        Assert.Equal(baseline.SearchJson, followed.Stdout);
        var tables = CliProcess.Run(Limit, "submit", "--config", SpecFile(seeds), "--wait");
        Assert.True(tables.ExitCode == 0, tables.Stderr);
        Assert.Equal(baseline.SearchTables, tables.Stdout);

        Assert.True(LeasesEndedOn(coordinatorPort) > 0, "the dead coordinator node's lease never ended");
        // Any machine whose config points at the cluster's journal reads the search as the single node's.
        Assert.Equal(baseline.Readers, Readers(SpecFile(seeds), searchId));
        EveryUnitOnceWithTheBaselinesResults(baseline, expectedUnits);
    }

    /// <summary>
    /// A four-machine lab (coordinator+trainer, coordinator-only, two trainers) loses a trainer and the coordinator's
    /// node within seconds of each other, before the first loss is decided: under keep-majority without the client
    /// a tie of two against two, and every survivor went down. Here the survivors take the database lease, down the
    /// dead, and the coordinator-only node takes over with no node started to replace them. The dead coordinator has
    /// the lower address of the two coordinator-role members, so the survivors are even the side of the tie that
    /// tries second. The search finishes by itself and the user following it sees the single node's document.
    /// </summary>
    [PostgresFact]
    public void A_four_node_lab_survives_a_trainer_and_the_coordinators_node_killed_within_seconds_by_the_lease()
    {
        var baseline = SingleNodeSearch(engine: "");
        var expectedUnits = baseline.Runs.Count + 2;
        cluster = NewCluster(engine: "");
        var ports = Enumerable.Range(0, 4).Select(_ => FreePort.Next()).Order().ToArray();
        var seeds = LocalCluster.Seeds([ports[0], ports[3]]);
        // Started first, the coordinator+trainer node is the oldest and hosts the coordinator.
        var coordinator = cluster.Start("coordinator", "coordinator,trainer", ports[0], seeds);
        coordinator.WaitForLog("is up with roles", Limit);
        var standby = cluster.Start("standby", "coordinator", ports[3], seeds);
        var trainers = new[] { (cluster.Start("trainer-a", "trainer", ports[1], seeds), ports[1]),
            (cluster.Start("trainer-b", "trainer", ports[2], seeds), ports[2]) };
        foreach (var node in trainers.Select(t => t.Item1).Append(standby))
            node.WaitForLog("is up with roles", Limit);

        using var watching = Following(seeds);
        var (victim, _) = WaitForTraining(trainers);
        Assert.True(Completed().Count < expectedUnits, "the search finished before the kills");
        victim.Kill();
        Thread.Sleep(TimeSpan.FromSeconds(5)); // within the 10 s failure detection: one decision for both
        coordinator.Kill();
        // A user who submits while the coordinator is moving: the submission itself waits out the hand-over.
        using var submittedDuringHandOver = CliProcess.Start("submit", "--config", SpecFile(seeds), "--wait", "--json");

        standby.WaitForLog("coordinator recovered: 1 search(es)", Limit);
        Poll.Until(() => Completed().Count >= expectedUnits, $"{expectedUnits} units to be journaled", Limit);
        foreach (var follower in new[] { watching, submittedDuringHandOver })
        {
            var watched = follower.WaitForExit(Limit);
            Assert.True(watched.ExitCode == 0, watched.Stderr);
            Assert.Equal(baseline.SearchJson, watched.Stdout);
        }
        Assert.False(standby.HasExited || trainers.Any(t => t.Item1 != victim && t.Item1.HasExited),
            "a surviving node went down with the dead");
        EveryUnitOnceWithTheBaselinesResults(baseline, expectedUnits);
    }

    [PostgresFact]
    public void Stacked_trainer_nodes_survive_a_SIGKILL_of_one_holding_a_stack_with_a_stacking_single_nodes_bits()
    {
        var baseline = SingleNodeSearch(Stacked);
        var expectedUnits = baseline.Runs.Count + 2;
        cluster = NewCluster(Stacked);
        // A coordinator that does not train, so the trainers get the work: a node that stacks leases a stack more
        // than its slots, and a training coordinator node would take most of this small search.
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).ToArray();
        var seeds = LocalCluster.Seeds(ports);
        var coordinator = cluster.Start("coordinator", "coordinator", ports[0], seeds);
        var first = cluster.Start("trainer-a", "trainer", ports[1], seeds);
        var second = cluster.Start("trainer-b", "trainer", ports[2], seeds);
        foreach (var node in new[] { coordinator, first, second })
            node.WaitForLog("is up with roles", Limit);
        var submitted = CliProcess.Run(Limit, "submit", "--config", SpecFile(seeds), "--json");
        Assert.True(submitted.ExitCode == 0, submitted.Stderr);

        // The first node to start a training run holds a stack's runs: killed, it loses them to the other node.
        var (victim, victimPort) = WaitForTraining([(first, ports[1]), (second, ports[2])]);
        victim.Kill();
        Poll.Until(() => LeasesEndedOn(victimPort) > 0, "the killed trainer's leases to end", Limit);

        Poll.Until(() => Completed().Count >= expectedUnits, $"{expectedUnits} units to be journaled", Limit);
        var followed = CliProcess.Run(Limit, "submit", "--config", SpecFile(seeds), "--wait", "--json");
        Assert.True(followed.ExitCode == 0, followed.Stderr);
        Assert.Equal(baseline.SearchJson, followed.Stdout);
        EveryUnitOnceWithTheBaselinesResults(baseline, expectedUnits);
    }

    /// <summary>
    /// Several inits per width, the protocol every fair comparison needs, each with its dense baseline: the cluster
    /// draws each init as a unit of its own and opens that init's tickets, and the search ends as on a single node.
    /// </summary>
    [PostgresFact]
    public void A_search_with_two_inits_per_width_ends_on_the_cluster_as_on_a_single_node()
    {
        const string twoInits = "lottery.search { inits-per-width = 2, baseline { dense-epochs = 1, patience = 2 } }";
        var baseline = SingleNodeSearch(engine: "", twoInits);
        Assert.Equal(2, baseline.Inits.Count);
        var expectedUnits = baseline.Runs.Count + baseline.Inits.Count + 1;
        cluster = NewCluster(engine: "");
        var ports = Enumerable.Range(0, 2).Select(_ => FreePort.Next()).ToArray();
        var seeds = LocalCluster.Seeds(ports);
        var coordinator = cluster.Start("coordinator", "coordinator,trainer", ports[0], seeds);
        var trainer = cluster.Start("trainer", "trainer", ports[1], seeds);
        foreach (var node in new[] { coordinator, trainer })
            node.WaitForLog("is up with roles", Limit);

        var followed = CliProcess.Run(Limit, "submit", "--config", SpecFile(seeds, twoInits), "--wait", "--json");

        Assert.True(followed.ExitCode == 0, followed.Stderr);
        Assert.Equal(baseline.SearchJson, followed.Stdout);
        Assert.Equal(baseline.Readers, Readers(SpecFile(seeds, twoInits), baseline.SearchId));
        EveryUnitOnceWithTheBaselinesResults(baseline, expectedUnits);
    }

    /// <summary>
    /// <c>resume &lt;id&gt; --retry-failed</c> reaches a search the cluster runs, from a machine that only reaches the
    /// journal and a seed node: the coordinator journals the retry once and runs the failed tickets again (with this
    /// learning rate they diverge again, so the search ends with exit 4 once more, as a single node's does).
    /// </summary>
    [PostgresFact]
    public void Resume_retry_failed_runs_a_cluster_searchs_diverged_tickets_again_journaling_the_retry_once()
    {
        const string diverging = "lottery.search.training.lr = 1e30";
        cluster = NewCluster(engine: "");
        var port = FreePort.Next();
        var seeds = LocalCluster.Seeds([port]);
        cluster.Start("node", "coordinator,trainer", port, seeds).WaitForLog("is up with roles", Limit);
        var spec = SpecFile(seeds, diverging);

        var submitted = CliProcess.Run(Limit, "submit", "--config", spec, "--wait", "--json");

        Assert.Equal(4, submitted.ExitCode);
        var searchId = SearchJson.SearchId(submitted.Stdout);
        Assert.Contains($"`resume {searchId} --retry-failed`", Assert.Single(submitted.ErrorLines));
        Assert.Empty(Journal("TicketsRetried.v1"));
        var diverged = Completed().Count(c => c.GetProperty("Output").GetProperty("Failure").ValueKind ==
                                              JsonValueKind.String);
        Assert.Equal(2, diverged);

        var retried = CliProcess.Run(Limit, "resume", searchId, "--config", spec, "--retry-failed", "--json");

        Assert.Equal(4, retried.ExitCode);
        Assert.Contains("2 failed ticket(s) run again on the cluster", retried.Stderr);
        var retry = Assert.Single(Journal("TicketsRetried.v1"));
        Assert.Equal(2, retry.GetProperty("Tickets").GetArrayLength());
        Assert.Equal(2 * diverged, Completed().Count(c => c.GetProperty("Output").GetProperty("Failure").ValueKind ==
                                                          JsonValueKind.String));
        Assert.Equal(2, Completed().Count(c => c.GetProperty("Output").GetProperty("Ensemble").ValueKind ==
                                               JsonValueKind.Object));
        Assert.Equal(Canonical(submitted.Stdout), Canonical(retried.Stdout));
    }

    /// <summary>
    /// <c>submit --wait --json</c>, once it follows the search: its first progress line is written after the
    /// coordinator accepted the submission, so the kills that come next find it following, as the tests mean.
    /// </summary>
    private CliProcess Following(string seeds)
    {
        var watching = CliProcess.Start("submit", "--config", SpecFile(seeds), "--wait", "--json");
        try
        {
            watching.WaitForLog("runs journaled", Limit);
            return watching;
        }
        catch
        {
            watching.Dispose();
            throw;
        }
    }

    private static string Canonical(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString();

    private LocalCluster NewCluster(string engine) => new(folder, postgres!.ConnectionString,
        Path.Combine(AppContext.BaseDirectory, "hocon", "cluster.conf"), NodeHocon + "\n" + engine);

    /// <summary>Every unit journaled exactly once, and every run with the baseline's weights and accuracies.
    /// </summary>
    private void EveryUnitOnceWithTheBaselinesResults(Baseline baseline, int expectedUnits)
    {
        var completed = Completed();
        // Exactly once: one row per unit, however many times a result was delivered or a unit was leased.
        Assert.Equal(expectedUnits, completed.Count);
        Assert.Equal(expectedUnits, completed.Select(c => c.GetProperty("WorkId").GetString()).Distinct().Count());
        Assert.Single(completed,
            c => c.GetProperty("Output").GetProperty("Ensemble").ValueKind == JsonValueKind.Object);
        var inits = completed.Select(c => c.GetProperty("Output").GetProperty("Init"))
            .Where(i => i.ValueKind == JsonValueKind.Object).Select(i => i.GetProperty("InitHash").GetString()!);
        Assert.Equal(baseline.Inits.Order(), inits.Order());
        var byUnit = completed.Where(c => c.GetProperty("Output").GetProperty("Run").ValueKind == JsonValueKind.Object)
            .ToDictionary(c => UnitKey(c.GetProperty("Output").GetProperty("Run")));
        var leased = Journal("WorkLeased.v1").GroupBy(l => l.GetProperty("WorkId").GetString()!)
            .ToDictionary(g => g.Key, g => g.Count());
        // Every difference at once, with who ran the unit and how often it was leased: a failure says where to look.
        var differences = (from expected in baseline.Runs
            let row = byUnit[UnitKey(expected)]
            let actual = row.GetProperty("Output").GetProperty("Run")
            from field in new[] { "WeightsHash", "TestAccuracy", "ValidationAccuracy", "TestAccuracyAtEarlyStop" }
            let want = Field(expected, field)
            let got = Field(actual, field)
            where want != got
            select $"{UnitKey(expected)} {field}: {want} alone, {got} on {row.GetProperty("Node")} " +
                   $"(leased {leased[row.GetProperty("WorkId").GetString()!]}x)").ToList();
        Assert.True(differences.Count == 0, string.Join('\n', differences));
    }

    private static string Field(JsonElement run, string name) =>
        (name == "WeightsHash" ? run : run.GetProperty("Metrics")).GetProperty(name).ToString();

    /// <param name="SearchJson">What <c>search --json</c> printed.</param>
    /// <param name="SearchTables">What <c>search</c> printed, run again once the search was complete.</param>
    /// <param name="Readers">What the reading commands print about the search (<see cref="Readers"/>).</param>
    private sealed record Baseline(string SearchId, IReadOnlyList<string> Inits, IReadOnlyList<JsonElement> Runs,
        string SearchJson, string SearchTables, ReaderOutputs Readers);

    /// <summary>What <c>status</c> (tables and --json) and <c>compare --json</c> print about one search.</summary>
    private sealed record ReaderOutputs(string Status, string StatusJson, string CompareJson);

    /// <summary>The reference: <c>lottery search</c> of the same spec (<see cref="SearchWorkspace.Search"/> with
    /// <paramref name="search"/>) in one process on SQLite.</summary>
    private static Baseline SingleNodeSearch(string engine, string search = MidSearch)
    {
        using var workspace =
            new SearchWorkspace($"lottery.runtime.torch-threads = {TorchThreads}\n{engine}\n{search}");
        var result = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var tables = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath);
        Assert.True(tables.ExitCode == 0, tables.Stderr);
        var journaled = Journaled.Read(workspace.JournalPath);
        var searchId = SearchJson.SearchId(result.Stdout);
        // The outputs the cluster must match hold ensembles: equal documents without them would prove little.
        Assert.True(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("ensemble").GetProperty("levels")
            .GetArrayLength() > 0, result.Stdout);
        return new Baseline(searchId, journaled.Inits, journaled.Runs, result.Stdout, tables.Stdout,
            Readers(workspace.ConfigPath, searchId));
    }

    private static ReaderOutputs Readers(string config, string searchId)
    {
        string Run(params string[] args)
        {
            var result = CliProcess.Run(Limit, [.. args, "--config", config]);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.Stderr}");
            return result.Stdout;
        }

        return new ReaderOutputs(Run("status", searchId), Run("status", searchId, "--json"),
            Run("compare", searchId, "--json"));
    }

    /// <summary>The baseline's own search (<see cref="SearchWorkspace.Search"/> with <paramref name="search"/>): the
    /// same spec, so the same id.</summary>
    /// <summary>
    /// Laid over the workspace's search where a test kills nodes while it runs: runs of 40 epochs of its 3,500 images
    /// (seconds each) rather than 1, so the search is still running at each kill. Once trainers and coordinator got
    /// faster, the 1-epoch search could end before the first kill, and the kill found nothing to take away.
    /// </summary>
    private const string MidSearch = """lottery.search.training.duration = "40ep" """;

    private string SpecFile(string seeds, string search = MidSearch)
    {
        var spec = Path.Combine(folder, "spec.conf");
        File.WriteAllText(spec, $$"""
            include "{{Path.Combine(AppContext.BaseDirectory, "hocon", "cluster.conf")}}"
            {{SearchWorkspace.Search}}
            {{search}}
            lottery.runtime {
              home = "{{Path.Combine(folder, "client")}}"
              connection-string = "{{postgres!.ConnectionString}}"
              # compare reads the weights where the nodes stored them.
              artifact-store = postgresql
            }
            lottery.cluster.seed-nodes = "{{seeds}}"
            """);
        return spec;
    }

    /// <summary>
    /// Waits until the journal shows one of <paramref name="candidates"/> holding the lease of a training unit whose
    /// result is not journaled: killed now, it has a lease to lose. A start line in its log is not enough: a short
    /// unit can finish before the kill, and the node then has no lease to lose (a fresh-clone run once waited 3
    /// minutes for the victim's lease to end, after units became faster).
    /// </summary>
    private (CliProcess Node, int Port) WaitForTraining((CliProcess Node, int Port)[] candidates)
    {
        (CliProcess, int)? found = null;
        Poll.Until(() =>
        {
            found = candidates.Cast<(CliProcess, int)?>().FirstOrDefault(c => HoldsTrainingUnit(c!.Value.Item2));
            return found is not null;
        }, "a node to hold a training unit", Limit);
        return found!.Value;
    }

    /// <summary>Every WorkCompleted row of the coordinator's journal, in order.</summary>
    private List<JsonElement> Completed() => Journal(ClusterSerializer.ManifestOf<ClusterEvents.WorkCompleted>());

    /// <summary>How many leases of the node listening on <paramref name="port"/> ended without a result.</summary>
    private int LeasesEndedOn(int port) => Journal(ClusterSerializer.ManifestOf<ClusterEvents.LeaseEnded>())
        .Count(e => e.GetProperty("Node").GetString()!.Contains($"@127.0.0.1:{port}#", StringComparison.Ordinal));

    /// <summary>Whether the node listening on <paramref name="port"/> holds the lease of a training run whose result
    /// is not journaled yet.</summary>
    private bool HoldsTrainingUnit(int port)
    {
        bool On(JsonElement e) => e.GetProperty("Node").GetString()!.Contains($"@127.0.0.1:{port}#",
            StringComparison.Ordinal);
        var settled = Completed().Select(c => c.GetProperty("WorkId").GetString())
            .Concat(Journal(ClusterSerializer.ManifestOf<ClusterEvents.LeaseEnded>()).Where(On)
                .Select(e => e.GetProperty("WorkId").GetString()))
            .ToHashSet();
        return Journal(ClusterSerializer.ManifestOf<ClusterEvents.WorkLeased>()).Where(On)
            .Select(l => l.GetProperty("WorkId").GetString()!)
            .Any(id => id.Contains("/r", StringComparison.Ordinal) && !settled.Contains(id));
    }

    private List<JsonElement> Journal(string manifest)
    {
        using var connection = new NpgsqlConnection(postgres!.ConnectionString);
        connection.Open();
        try
        {
            return JournalRows.Messages(connection, manifest);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return []; // The coordinator has not created its journal yet.
        }
    }

    private static string UnitKey(JsonElement run)
    {
        var unit = run.GetProperty("Unit");
        var ticket = unit.GetProperty("Ticket");
        return $"w{ticket.GetProperty("WidthIndex")}-t{ticket.GetProperty("Index")}/r{unit.GetProperty("Round")}/" +
               unit.GetProperty("Kind").GetString();
    }
}
