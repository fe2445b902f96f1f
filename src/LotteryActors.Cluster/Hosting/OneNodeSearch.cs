using Akka.Actor;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Hosting;

/// <summary>
/// A search as a one-node cluster in one process: the cluster's own coordinator, work units and workers, with the
/// node as its only member (<see cref="LocalMembership"/>) and no remoting, no singleton, no port. The coordinator
/// is keyed by the search (<see cref="WorkCoordinator.PersistenceIdFor"/>) on the runtime's journal, so it never
/// shares a writer with another search or with a cluster's coordinator in the same database. A search that
/// today's single-node engine journaled is adopted from its journal and goes on here.
/// </summary>
public static class OneNodeSearch
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How the coordinator takes the search: submitted, unless it does not know it yet and the single-node engine
    /// journaled it before the one execution path (<see cref="SearchAdoption"/>); then it is adopted from there.
    /// </summary>
    private static async Task<object> Taking(IActorRef coordinator, SearchSpec spec, RuntimeSettings runtime,
        Config? akkaOverrides, CancellationToken cancellation)
    {
        var known = await coordinator.Ask<SearchProgress>(new ProgressRequested(spec.SearchId), Answer, cancellation);
        if (!known.Known)
        {
            await using var reader = new SearchJournalReader(runtime, akkaOverrides);
            if (await reader.ReadAsync(spec.SearchId) is { Started: true } old)
                return new WorkCoordinator.AdoptSearch(old);
        }
        return new SubmitSearch(CanonicalSpec.ToJson(spec));
    }

    /// <summary>Runs <paramref name="spec"/> (or goes on with it, where its coordinator journaled it before) until
    /// it is complete, and returns its state as the coordinator folded it.</summary>
    /// <param name="runners">Where the node's workers find the search's runner: one dataset and store for all.
    /// </param>
    public static async Task<SearchState> RunAsync(SearchSpec spec, RuntimeSettings runtime, RunnerSource runners,
        WorkTiming timing, Config? akkaOverrides = null, CancellationToken cancellation = default)
    {
        var serializer = ConfigurationFactory.ParseString(ClusterSerializer.Hocon);
        using var system = ActorSystem.Create("lottery",
            SearchHost.AkkaConfig(runtime, akkaOverrides?.WithFallback(serializer) ?? serializer));
        try
        {
            // A process is a new node: the leases of one killed before it end when its coordinator recovers.
            var node = $"local#{Environment.ProcessId}-{Guid.NewGuid():N}";
            var coordinator = system.ActorOf(CoordinatorSingleton.Supervised(WorkCoordinator.Props(timing,
                runtime.SnapshotEvery, membership: new LocalMembership(node),
                persistenceId: WorkCoordinator.PersistenceIdFor(spec.SearchId))), "coordinator");
            system.ActorOf(WorkPuller.Props(coordinator, node, runtime, runners, timing), "puller");
            await coordinator.Ask<SearchAccepted>(
                await Taking(coordinator, spec, runtime, akkaOverrides, cancellation), Answer, cancellation);
            while (!(await coordinator.Ask<SearchProgress>(new ProgressRequested(spec.SearchId), Answer,
                       cancellation)).Finished)
                await Task.Delay(PollEvery, cancellation);
            return await coordinator.Ask<SearchState>(new WorkCoordinator.SearchRequested(spec.SearchId), Answer,
                cancellation);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
