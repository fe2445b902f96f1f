using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Pattern;

namespace LotteryActors.Cluster.Coordinator;

/// <summary>
/// Where the <see cref="WorkCoordinator"/> lives: a cluster singleton on the oldest node with the
/// <see cref="Role"/> role, under a back-off supervisor (a coordinator stopped by a journal fault starts again
/// after 1 s, doubling to 30 s), and reached from every node through a singleton proxy that buffers while the
/// singleton moves. The proxy buffers only while it looks for the singleton; the puller's retries cover the rest.
/// </summary>
public static class CoordinatorSingleton
{
    public const string Role = "coordinator";
    public const string ManagerName = "coordinator";
    private const string SingletonName = "singleton";

    /// <param name="publishing">Where the coordinator publishes its running units for the dashboard; null: nowhere.
    /// </param>
    public static IActorRef StartManager(ActorSystem system, WorkTiming timing, int snapshotEvery,
        UnitProgressPublishing? publishing = null)
    {
        var settings = ClusterSingletonManagerSettings.Create(system).WithRole(Role).WithSingletonName(SingletonName);
        return system.ActorOf(ClusterSingletonManager.Props(
            Supervised(WorkCoordinator.Props(timing, snapshotEvery, publishing: publishing)), PoisonPill.Instance,
            settings), ManagerName);
    }

    /// <summary>A coordinator under the back-off supervisor, wherever it runs (a singleton, or one search's own).
    /// </summary>
    public static Props Supervised(Props coordinator) => BackoffSupervisor.Props(Backoff.OnStop(coordinator, "work",
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, maxNrOfRetries: -1));

    public static IActorRef StartProxy(ActorSystem system, string name = "coordinator-proxy")
    {
        var settings = ClusterSingletonProxySettings.Create(system).WithRole(Role).WithSingletonName(SingletonName)
            .WithBufferSize(10_000);
        return system.ActorOf(ClusterSingletonProxy.Props($"/user/{ManagerName}", settings), name);
    }
}
