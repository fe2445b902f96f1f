using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Training.Imp;
using static LotteryActors.Cluster.Protocol.ClusterEvents;

namespace LotteryActors.Cluster.Work;

/// <summary>
/// Old journals keep working: a search the single-node engine journaled before the one execution path is taken
/// over by its one-node coordinator. Its state is journaled once as that engine left it (<see cref="SearchAdopted"/>),
/// and what it waits on is queued as units: the inits not drawn yet, each open ticket's next run where its init is
/// drawn, or the ensembles where every ticket is done. Tickets that failed stay failed until a retry.
/// </summary>
public static class SearchAdoption
{
    /// <returns>Nothing when the coordinator knows the search already (it was adopted or submitted before).
    /// </returns>
    public static IReadOnlyList<IClusterEvent> Adopt(this CoordinatorState state, SearchState old,
        DateTimeOffset now)
    {
        var id = old.SearchId!;
        if (state.Knows(id))
            return [];
        var adopted = new SearchAdopted(SearchSnapshot.From(old), now);
        var search = state.Apply(adopted).Searches[id];
        var waiting = search.InitsNotDrawn().Select(WorkItem.Init).Concat(search.OpenTickets()
            .Where(t => search.Inits.ContainsKey(search.Spec!.InitOf(t)))
            .Select(search.NextUnit).OfType<WorkUnit>().Select(WorkItem.Train));
        var queued = waiting.Select(item => new WorkQueued(item.IdIn(id), id, item, now)).ToList();
        var after = queued.Aggregate(state.Apply(adopted), (s, e) => s.Apply(e));
        return [adopted, .. queued, .. after.EnsemblesDue(now)];
    }
}
