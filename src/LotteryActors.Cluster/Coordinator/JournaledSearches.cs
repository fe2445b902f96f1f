using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;

namespace LotteryActors.Cluster.Coordinator;

/// <summary>
/// Every search in a journal, whether one process ran it (journaled by its own coordinator,
/// <see cref="WorkCoordinator.PersistenceIdFor"/>, or before the one execution path by the single-node engine under
/// its own persistence id) or the cluster did (folded from the coordinator's journal into the same
/// <see cref="SearchState"/> a single node journals):
/// <c>status</c>, <c>compare</c> and <c>report</c> read both alike, from any machine whose config points at the
/// journal. It only reads, like <see cref="SearchJournalReader"/>, and reads the coordinator's journal once.
/// </summary>
public sealed class JournaledSearches : IAsyncDisposable
{
    private readonly SearchJournalReader reader;
    private readonly HashSet<string> fromCluster = [];
    private CoordinatorState? cluster;

    public JournaledSearches(RuntimeSettings runtime, Config? akkaOverrides = null)
    {
        var serializer = ConfigurationFactory.ParseString(ClusterSerializer.Hocon);
        reader = new SearchJournalReader(runtime, akkaOverrides?.WithFallback(serializer) ?? serializer);
    }

    public async Task<IReadOnlyList<string>> SearchIdsAsync() =>
        (await reader.SearchIdsAsync())
        .Union((await reader.PersistenceIdsAsync()).Select(WorkCoordinator.SearchIdOf).OfType<string>())
        .Union((await Cluster()).Searches.Keys).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The search as its own coordinator journaled it, else as the single-node engine did (a search it journaled and
    /// that coordinator adopted is read from the coordinator), else as the cluster did;
    /// <see cref="SearchState.Empty"/> when none knows it.
    /// </summary>
    public async Task<SearchState> ReadAsync(string searchId)
    {
        var alone = (await reader.EventsAsync(WorkCoordinator.PersistenceIdFor(searchId))).OfType<IClusterEvent>()
            .Aggregate(CoordinatorState.Empty, (s, e) => s.Apply(e)).Searches;
        if (alone.TryGetValue(searchId, out var own))
            return own;
        var single = await reader.ReadAsync(searchId);
        if (single.Started)
            return single;
        if (!(await Cluster()).Searches.TryGetValue(searchId, out var submitted))
            return SearchState.Empty;
        fromCluster.Add(searchId);
        return submitted;
    }

    /// <summary>As <see cref="ReadAsync"/>; a search id that neither knows is bad input.</summary>
    public async Task<SearchState> ReadStartedAsync(string searchId)
    {
        var state = await ReadAsync(searchId);
        return state.Started ? state : throw reader.NoSuchSearch(searchId);
    }

    /// <summary>
    /// Whether a search read here is in the cluster's hands: submitted there, neither complete nor cancelled. No
    /// lock on this machine can say so, and the cluster goes on with it whenever trainer nodes are up.
    /// </summary>
    public bool RunsInCluster(SearchState state) =>
        fromCluster.Contains(state.SearchId!) && !state.Completed && !state.Cancelled;

    /// <summary>Whether a search read here was submitted to a cluster (the coordinator journaled it), finished or
    /// not: the cluster, not this process, carries on with it.</summary>
    public bool SubmittedToCluster(string searchId) => fromCluster.Contains(searchId);

    private async Task<CoordinatorState> Cluster() =>
        cluster ??= (await reader.EventsAsync(WorkCoordinator.PersistenceIdValue)).OfType<IClusterEvent>()
            .Aggregate(CoordinatorState.Empty, (s, e) => s.Apply(e));

    public ValueTask DisposeAsync() => reader.DisposeAsync();
}
