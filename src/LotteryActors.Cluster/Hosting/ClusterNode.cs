using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Trainers;

namespace LotteryActors.Cluster.Hosting;

/// <summary>
/// One running cluster node: its actor system, the coordinator singleton's manager where it has the coordinator
/// role, a proxy to the singleton (every node, so any node can submit), and a work puller where it has the
/// trainer role. A trainer node that stops drains first (<see cref="WorkPuller.DrainAsync"/>), before it leaves.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly IDisposable? owned;
    private readonly UnitProgressTable? unitProgress;

    private ClusterNode(ActorSystem system, IActorRef coordinator, IDisposable? owned, UnitProgressTable? unitProgress)
    {
        this.unitProgress = unitProgress;
        System = system;
        Coordinator = coordinator;
        this.owned = owned;
        Id = NodeId.Of(Akka.Cluster.Cluster.Get(system).SelfUniqueAddress);
    }

    public ActorSystem System { get; }

    /// <summary>The singleton proxy: messages for the coordinator go here, wherever it runs now.</summary>
    public IActorRef Coordinator { get; }

    public string Id { get; }

    public Akka.Actor.Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;

    /// <param name="runners">Where the trainer role finds each search's runner; unused without that role.</param>
    /// <param name="overrides">Akka settings laid over the node's (tests: shorter failure detection).</param>
    /// <param name="owned">What the runners use (a node builder's datasets and store): freed once the actor system
    /// has stopped, when no trainer can still be reading it.</param>
    public static ClusterNode Start(ClusterSettings cluster, RuntimeSettings runtime, RunnerSource runners,
        Config? overrides = null, IDisposable? owned = null)
    {
        var config = ClusterHocon.For(cluster, runtime);
        var setup = ActorSystemSetup.Create(
            BootstrapSetup.Create().WithConfig(overrides is null ? config : overrides.WithFallback(config)));
        if (cluster.TlsCertificate.Length > 0)
            setup = setup.And(ClusterTls.Setup(cluster));
        var system = ActorSystem.Create(ClusterHocon.SystemName, setup);
        // Where the coordinator, whenever this node hosts it, publishes its running units for the dashboard.
        var unitProgress = cluster.IsCoordinator && runtime.UnitProgressEvery > TimeSpan.Zero
            ? UnitProgressTable.For(runtime)
            : null;
        if (cluster.IsCoordinator)
            CoordinatorSingleton.StartManager(system, cluster.Work, cluster.SnapshotEvery,
                unitProgress is null ? null : new UnitProgressPublishing(unitProgress, runtime.UnitProgressEvery));
        var node = new ClusterNode(system, CoordinatorSingleton.StartProxy(system), owned, unitProgress);
        if (cluster.IsTrainer)
        {
            var puller = system.ActorOf(
                WorkPuller.Props(node.Coordinator, node.Id, runtime, runners, cluster.Work), "puller");
            if (cluster.Work.DrainTimeout > TimeSpan.Zero)
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "drain",
                    () => WorkPuller.DrainAsync(puller, cluster.Work.DrainTimeout, system.Log));
        }
        return node;
    }

    /// <summary>Joins the cluster at <paramref name="seed"/> (a node that is its own seed forms a cluster).</summary>
    public void Join(Akka.Actor.Address seed) => Akka.Cluster.Cluster.Get(System).Join(seed);

    /// <summary>Completes once this node is a member in state Up.</summary>
    public Task Up()
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(System).RegisterOnMemberUp(() => up.TrySetResult());
        return up.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await System.Terminate();
        owned?.Dispose();
        if (unitProgress is not null)
            await unitProgress.DisposeAsync();
    }
}
