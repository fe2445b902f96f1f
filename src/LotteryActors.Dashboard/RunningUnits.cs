using System.Data.Common;
using LotteryActors.Actors.Observability;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Search;
using Microsoft.Extensions.Logging;

namespace LotteryActors.Dashboard;

/// <summary>
/// A search's running units for <c>/api/searches/{id}</c>, from what its coordinator published last (in this
/// process or another, on this machine or a cluster's): each unit's share done, examples/s and ETA as its node
/// measured them. Rows gone stale are never read, so a search whose coordinator was killed shows none.
/// </summary>
public sealed class RunningUnits(UnitProgressTable table, ILogger<RunningUnits> log)
{
    /// <summary>Null where nothing fresh is published, or the table cannot be read now (said in the log): the page
    /// then shows no units rather than old ones.</summary>
    public async Task<IReadOnlyList<RunningUnitDocument>?> OfAsync(SearchState search, CancellationToken cancel)
    {
        try
        {
            var units = await table.ReadAsync(search.SearchId!, cancel);
            return units.Count == 0 ? null : [.. units.Select(u => Document(u, search.Spec!.Training.BatchSize))];
        }
        catch (DbException e)
        {
            log.LogWarning("cannot read the running units of {SearchId} from {Table}: {Cause}", search.SearchId,
                UnitProgressTable.Name, e.Message);
            return null;
        }
    }

    /// <summary>The ETA is the run's iterations left at its node's measured rate (the rate is in examples, an
    /// iteration one batch), as every progress view estimates it (<see cref="RunPace.EtaOf"/>).</summary>
    private static RunningUnitDocument Document(FreshUnit fresh, int batchSize)
    {
        var u = fresh.Unit;
        var eta = u is { Iteration: { } done, TotalIterations: { } total }
            ? RunPace.EtaOf(total - done, u.ExamplesPerSecond / batchSize)
            : null;
        return new RunningUnitDocument(u.Unit, u.Round, u.Kind, u.Node,
            u.TotalIterations is > 0 ? (double?)u.Iteration / u.TotalIterations : null, u.ExamplesPerSecond,
            eta?.TotalSeconds, fresh.Age.TotalSeconds);
    }
}
