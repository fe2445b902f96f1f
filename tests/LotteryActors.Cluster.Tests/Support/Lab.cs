using Akka.Actor;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Support;

/// <summary>
/// A lab in one process: real cluster nodes (each its own ActorSystem on 127.0.0.1, port 0) over one real
/// PostgreSQL database of its own, sharing an artifact folder as lab machines share a mount, training the
/// synthetic dataset for real. Short lease and failure-detection clocks; generous waits for a loaded machine.
/// </summary>
public sealed class Lab : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public static readonly WorkTiming Timing = new(LeaseTimeout: TimeSpan.FromSeconds(4),
        ExpiryCheck: TimeSpan.FromMilliseconds(300), RenewEvery: TimeSpan.FromSeconds(1),
        PullEvery: TimeSpan.FromSeconds(1), RedeliverEvery: TimeSpan.FromMilliseconds(500));

    private readonly List<ClusterNode> nodes = [];
    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly string home = Path.Combine(Path.GetTempPath(), $"lottery-lab-{Guid.NewGuid():N}");

    private readonly WorkTiming timing;
    private readonly TimeSpan stableAfter;

    /// <param name="timing">The coordinator's clocks; <see cref="Timing"/>'s short ones unless a test needs others.
    /// </param>
    /// <param name="stableAfter">How long a member stays unreachable before it is downed; 2 s unless a test needs
    /// an unreachable member that stays a member.</param>
    /// <param name="connectionString">How the nodes reach a database the test prepared (with its own login, say);
    /// a fresh database of <paramref name="server"/> without it.</param>
    public Lab(TempPostgres server, WorkTiming? timing = null, TimeSpan? stableAfter = null,
        string? connectionString = null)
    {
        this.timing = timing ?? Timing;
        this.stableAfter = stableAfter ?? TimeSpan.FromSeconds(2);
        TorchSharp.torch.set_num_threads(1);
        ConnectionString = connectionString ?? server.NewDatabase();
        Store = new ArtifactStore(Path.Combine(home, "artifacts"));
    }

    public string ConnectionString { get; }

    public ArtifactStore Store { get; }

    /// <summary>How a node of this lab gets a search's runner: the same data and store everywhere.</summary>
    public ImpRunner Runner(SearchSpec spec) => new(spec, data, Store);

    /// <summary>
    /// Starts a node with <paramref name="roles"/> and waits until it is Up: the first node forms the cluster,
    /// later ones join a live node. A node started with <paramref name="crashes"/> leaves nothing behind when
    /// terminated (no graceful leave), as a machine that loses power. <paramref name="runners"/> replaces the lab's
    /// (a machine with its own copy of the data); <paramref name="appVersion"/> plays a node of another release.
    /// A coordinator node saves a snapshot every <paramref name="snapshotEvery"/> events. A node given a
    /// <paramref name="stackSize"/> trains on the stacked engine, in stacks of that size. <paramref name="timing"/>
    /// replaces the lab's short clocks. A coordinator node publishes its running units every
    /// <paramref name="unitProgressEvery"/> (never where null).
    /// </summary>
    public async Task<ClusterNode> Start(string roles, int slots = 1, bool crashes = false,
        RunnerSource? runners = null, string? appVersion = null, int snapshotEvery = 1000, int? stackSize = null,
        WorkTiming? timing = null, TimeSpan? unitProgressEvery = null)
    {
        var (cluster, runtime) = Settings(roles, slots, snapshotEvery);
        runtime = runtime with { UnitProgressEvery = unitProgressEvery ?? TimeSpan.Zero };
        if (timing is not null)
            cluster = cluster with { Work = timing };
        if (stackSize is { } size)
            runtime = runtime with
            {
                Engine = new EngineSettings(EngineKind.Stacked, size, Gather: TimeSpan.FromMilliseconds(300)),
            };
        var overrides = ConfigurationFactory.ParseString($"""
            akka.loglevel = WARNING
            akka.cluster.singleton.hand-over-retry-interval = 500ms
            akka.coordinated-shutdown.run-by-actor-system-terminate = {(crashes ? "off" : "on")}
            {(appVersion is null ? "" : $"akka.cluster.app-version = \"{appVersion}\"")}
            """);
        var node = ClusterNode.Start(cluster, runtime, runners ?? Runner, overrides);
        var up = node.Up();
        node.Join(nodes.Count == 0 ? node.Address : nodes[0].Address);
        await up.WaitAsync(Patience);
        nodes.Add(node);
        return node;
    }

    /// <summary>The settings of a node of this lab: its database, home and store, the short clocks.</summary>
    public (ClusterSettings Cluster, RuntimeSettings Runtime) Settings(string roles, int slots, int snapshotEvery) =>
        (new ClusterSettings(roles.Split(','), "127.0.0.1", "127.0.0.1", 0, [], "keep-majority",
            stableAfter, JoinTimeout: TimeSpan.FromMinutes(1), timing, snapshotEvery),
            Runtime(slots));

    /// <summary>A lab machine's runtime settings: this lab's journal, home and artifacts.</summary>
    public RuntimeSettings Runtime(int slots = 1) =>
        new(home, Store.Root, slots, TorchThreads: 1, "cpu", ChunkIterations: 50, MaxRestarts: 2,
            TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), SnapshotEvery: 50,
            JournalBackend.Postgresql, ConnectionString);

    /// <summary>Kills a node started with crashes: true; the others must notice, down it and go on.</summary>
    public async Task Crash(ClusterNode node)
    {
        nodes.Remove(node);
        await node.System.Terminate();
    }

    public async Task<SearchAccepted> Submit(ClusterNode via, SearchSpec spec) =>
        await via.Coordinator.Ask<SearchAccepted>(new SubmitSearch(CanonicalSpec.ToJson(spec)), Patience);

    /// <summary>Asks for progress until the search is finished; the coordinator may be moving meanwhile.</summary>
    public async Task<SearchProgress> Finished(ClusterNode via, SearchSpec spec)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var progress = await via.Coordinator.Ask<SearchProgress>(
                    new ProgressRequested(spec.SearchId), TimeSpan.FromSeconds(5));
                if (progress.Finished)
                    return progress;
            }
            catch (AskTimeoutException)
            {
                // The singleton is moving; ask again.
            }
            await Task.Delay(300);
        }
        throw new TimeoutException($"search {spec.SearchId} did not finish within {Patience}");
    }

    /// <summary>The coordinator's journal, read with plain SQL behind Akka's back, in order.</summary>
    public IReadOnlyList<IClusterEvent> Journal() => CoordinatorJournal.Events(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(nodes.Select(n => n.System.Terminate().WaitAsync(TimeSpan.FromSeconds(30))));
        data.Dispose();
        Directory.Delete(home, recursive: true);
    }
}
