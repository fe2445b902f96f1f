using System.Collections.Immutable;
using LotteryActors.Actors.Ensembles;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;
using static LotteryActors.Cluster.Protocol.ClusterEvents;

namespace LotteryActors.Cluster.Work;

/// <summary>
/// Everything the cluster coordinator knows, as a pure fold of its journal: the work queue, and each submitted
/// search as the same <see cref="SearchState"/> fold a single-node search uses (a completed unit is applied to it
/// as the <see cref="InitDrawn"/>, <see cref="RoundCompleted"/>, <see cref="TicketFinished"/>,
/// <see cref="TicketFailed"/> or <see cref="EnsembleEvaluated"/> and <see cref="SearchCompleted"/> it stands for), so
/// what runs next is decided by the same schedule and a reader folds the same search a single node would journal.
/// Decisions return the events to journal; the actor persists them and applies them here.
/// </summary>
public sealed record CoordinatorState(WorkQueue Queue, ImmutableSortedDictionary<string, SearchState> Searches)
{
    public static readonly CoordinatorState Empty =
        new(WorkQueue.Empty, ImmutableSortedDictionary<string, SearchState>.Empty);

    public CoordinatorState Apply(IClusterEvent e) => e switch
    {
        SearchSubmitted s => this with
        {
            Searches = Searches.SetItem(s.SearchId,
                SearchState.Empty.Apply(new SearchStarted(s.SearchId, s.SpecJson, s.OccurredAt))),
        },
        WorkCompleted c when Queue.Open.TryGetValue(c.WorkId, out var unit) => this with
        {
            Queue = Queue.Apply(c),
            Searches = Searches.SetItem(unit.SearchId, Record(Searches[unit.SearchId], unit.Item, c)),
        },
        _ => this with { Queue = Queue.Apply(e) },
    };

    /// <summary>
    /// Takes a search: its first units (one init draw per width) are queued. A spec submitted again changes
    /// nothing, so a client that re-sends after a lost reply never registers a search twice.
    /// </summary>
    public IReadOnlyList<IClusterEvent> Submit(SearchSpec spec, DateTimeOffset now)
    {
        var id = spec.SearchId;
        if (Searches.ContainsKey(id))
            return [];
        var events = new List<IClusterEvent> { new SearchSubmitted(id, CanonicalSpec.ToJson(spec), now) };
        events.AddRange(Enumerable.Range(0, spec.Model.Widths.Count).Select(w => Enqueue(id, WorkItem.Init(w), now)));
        return events;
    }

    /// <summary>
    /// A node's request: it has <paramref name="slots"/> slots and says <paramref name="busy"/> are in use. The
    /// coordinator counts the node's leases too and trusts the larger number, so a repeated request (the node's
    /// periodic re-registration) never leases more units than the node has slots.
    /// </summary>
    public IReadOnlyList<WorkLeased> Request(string node, int slots, int busy, DateTimeOffset now, TimeSpan timeout) =>
        Queue.Lease(node, slots - Math.Max(busy, Queue.LeasesOf(node)), now, timeout);

    /// <summary>
    /// A node delivered a unit's output. The first delivery is journaled with the units it makes possible (an init
    /// opens its tickets' first runs; a run opens its ticket's next run, or, once every ticket is done, the search's
    /// ensemble unit); a later one, from a slow node whose lease was reassigned, or a retry whose acknowledgement
    /// was lost, returns nothing.
    /// </summary>
    public IReadOnlyList<IClusterEvent> Complete(string node, string workId, WorkOutput output, DateTimeOffset now)
    {
        if (!Queue.Open.TryGetValue(workId, out var unit))
            return [];
        var completed = new WorkCompleted(workId, node, output, now);
        var after = Apply(completed);
        var search = after.Searches[unit.SearchId];
        IEnumerable<TicketId> opened = unit.Item.Kind switch
        {
            WorkKind.Init => search.Spec!.Tickets().Where(t => t.WidthIndex == unit.Item.WidthIndex),
            WorkKind.Train => [unit.Item.Run!.Ticket],
            _ => [],
        };
        return
        [
            completed,
            .. opened.Where(t => !search.Ticket(t).Done && search.NextUnit(t) is not null)
                .Select(t => Enqueue(unit.SearchId, WorkItem.Train(search.NextUnit(t)!), now)),
            .. after.EnsemblesDue(now).Where(q => q.SearchId == unit.SearchId),
        ];
    }

    /// <summary>
    /// The ensemble unit of every search whose tickets are all done and whose ensembles are neither queued nor
    /// journaled: after the last ticket's result, and on recovery (a journal written before ensembles were units).
    /// Planned here, from journaled numbers; evaluated on a trainer node, which holds the data.
    /// </summary>
    public IReadOnlyList<WorkQueued> EnsemblesDue(DateTimeOffset now) =>
        Searches.Values.Where(s => s.AllTicketsDone && !s.Completed)
            .Select(s => Enqueue(s.SearchId!,
                WorkItem.Ensemble(EnsembleEvaluation.Plan(s.Spec!, s.FinishedTicketRuns())), now))
            .Where(q => !Queue.IsOpen(q.WorkId) && !Queue.Done.Contains(q.WorkId))
            .ToList();

    /// <summary>Runs journaled over runs asked for, and whether the search is complete (its ensembles journaled).
    /// </summary>
    public (int Done, int Total, bool Finished) Progress(string searchId)
    {
        var search = Searches[searchId];
        var (done, total) = search.Progress();
        return (done, total, search.Completed);
    }

    private static WorkQueued Enqueue(string searchId, WorkItem item, DateTimeOffset now) =>
        new(item.IdIn(searchId), searchId, item, now);

    /// <summary>The search facts a completed unit stands for, folded by the single-node search's own fold.</summary>
    private static SearchState Record(SearchState search, WorkItem item, WorkCompleted c)
    {
        var output = c.Output;
        if (output.Init is { } init)
            return search.Apply(new InitDrawn(item.WidthIndex, init.InitHash, init.DenseMaskHash, c.OccurredAt));
        if (output.Ensemble is { } report)
            return search.Apply(new EnsembleEvaluated(report, c.OccurredAt)).Apply(new SearchCompleted(c.OccurredAt));
        var ticket = item.Run!.Ticket;
        if (output.Failure is { } reason)
            return search.Apply(new TicketFailed(ticket, reason, 1, c.OccurredAt));
        var next = search.Apply(new RoundCompleted(output.Run!, c.OccurredAt));
        return next.NextUnit(ticket) is null ? next.Apply(new TicketFinished(ticket, c.OccurredAt)) : next;
    }
}
