using System.Collections.Immutable;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Search;

/// <summary>Where one ticket stands: its journaled runs, and whether it finished or failed.</summary>
public sealed record TicketState(ImmutableList<RunResult> Runs, bool Finished, string? FailureReason)
{
    public static readonly TicketState Empty = new(ImmutableList<RunResult>.Empty, false, null);

    public bool Failed => FailureReason is not null;

    public bool Done => Finished || Failed;

    public bool Has(WorkUnit unit) => Runs.Any(r => r.Unit.Round == unit.Round && r.Unit.Kind == unit.Kind);
}

/// <summary>
/// A search as the fold of its events: no Akka, no I/O, so it is tested directly and rebuilt the same way on
/// recovery, in <c>status</c> and in reports. The decisions that follow from it (what runs next, whether a result
/// is new) are functions of it too.
/// </summary>
public sealed record SearchState(
    string? SearchId,
    SearchSpec? Spec,
    ImmutableSortedDictionary<InitId, InitDrawn> Inits,
    ImmutableSortedDictionary<TicketId, TicketState> Tickets,
    EnsembleReport? Ensemble,
    bool Completed,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LastEventAt)
{
    public static readonly SearchState Empty = new(null, null, ImmutableSortedDictionary<InitId, InitDrawn>.Empty,
        ImmutableSortedDictionary.Create<TicketId, TicketState>(TicketOrder.Instance), null, false, null, null);

    public bool Started => Spec is not null;

    /// <summary>The <see cref="DatasetRecorded"/> fingerprint; null until it is journaled.</summary>
    public string? DatasetFingerprint { get; init; }

    /// <summary>
    /// An operator cancelled the search on a cluster and nobody resumed it since: the cluster coordinator's fold sets
    /// it (its own events say so); a search one process runs is never cancelled, only interrupted.
    /// </summary>
    public bool Cancelled { get; init; }

    /// <summary>
    /// The search's share of a cluster's slots against the other searches' (<c>submit --priority</c>): the cluster
    /// coordinator's fold sets it from the submission; a search one process runs has the default, 1, and runs alone.
    /// </summary>
    public int Priority { get; init; } = 1;

    /// <summary>The last <see cref="SetupRecorded"/>: how the runs journaled since were trained; null until then.
    /// </summary>
    public TrainingSetup? Setup { get; init; }

    /// <summary>
    /// Null when a node whose dataset hashes to <paramref name="fingerprint"/> may work on this search (same data,
    /// or none recorded yet); otherwise the one line that says why not.
    /// </summary>
    public string? DatasetMismatch(string fingerprint, string path) =>
        DatasetFingerprint is null || DatasetFingerprint == fingerprint
            ? null
            : MismatchLine(SearchId, DatasetFingerprint, fingerprint, path);

    /// <summary>The one line that says a copy of the dataset is not the one search <paramref name="searchId"/>
    /// recorded (also a cluster trainer node's refusal).</summary>
    public static string MismatchLine(string? searchId, string recorded, string fingerprint, string path) =>
        $"search {searchId} was recorded with a dataset whose fingerprint is {Short(recorded)}, " +
        $"but the copy at {path} has {Short(fingerprint)}; point lottery.search.dataset.path at the same files";

    public SearchState Apply(ISearchEvent e)
    {
        var next = e switch
        {
            SearchStarted s => this with
            {
                SearchId = s.SearchId,
                Spec = CanonicalSpec.FromJson(s.SpecJson),
                StartedAt = s.OccurredAt,
            },
            DatasetRecorded d => this with { DatasetFingerprint = d.Fingerprint },
            SetupRecorded s => this with { Setup = s.Setup },
            InitDrawn i => this with { Inits = Inits.SetItem(i.Id, i) },
            RoundCompleted r => Recorded(r.Result.ToDomain()),
            TicketFailed f => Update(f.Ticket.ToDomain(), t => t with { FailureReason = f.Reason }),
            TicketFinished f => Update(f.Ticket.ToDomain(), t => t with { Finished = true }),
            TicketRetried r => Update(r.Ticket.ToDomain(), t => t with { FailureReason = null })
                with { Completed = false, Ensemble = null },
            EnsembleEvaluated en => this with { Ensemble = en.Report },
            SearchCompleted => this with { Completed = true },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "unknown search event"),
        };
        return next with { LastEventAt = e.OccurredAt };
    }

    public TicketState Ticket(TicketId ticket) => Tickets.GetValueOrDefault(ticket, TicketState.Empty);

    /// <summary>The ticket's next run, or null when all its runs are journaled. Needs the ticket's init drawn.</summary>
    public WorkUnit? NextUnit(TicketId ticket)
    {
        var init = InitOf(ticket);
        return TicketSchedule.NextUnit(Spec!, ticket, init.InitHash, init.DenseMaskHash, Ticket(ticket).Runs);
    }

    /// <summary>The journaled draw of the shared init the ticket starts from.</summary>
    public InitDrawn InitOf(TicketId ticket) => Inits[Spec!.InitOf(ticket)];

    public IEnumerable<InitId> InitsNotDrawn() => Spec!.InitIds().Where(i => !Inits.ContainsKey(i));

    public IEnumerable<TicketId> OpenTickets() => Spec!.Tickets().Where(t => !Ticket(t).Done);

    public IEnumerable<TicketId> FailedTickets() => Spec!.Tickets().Where(t => Ticket(t).Failed);

    public bool AllTicketsDone => Started && !OpenTickets().Any();

    /// <summary>The runs the ensembles combine: every IMP round (no controls) of every ticket that finished.</summary>
    public IReadOnlyList<RunResult> FinishedTicketRuns() => Tickets.Values.Where(t => t.Finished)
        .SelectMany(t => t.Runs).Where(r => r.Unit.Kind == RunKind.Ticket).ToList();

    /// <summary>Runs journaled over runs the spec asks for, over all tickets (failed tickets count as their runs so far).</summary>
    public (int Done, int Total) Progress()
    {
        if (Spec is null)
            return (0, 0);
        var tickets = Spec.Tickets();
        return (tickets.Sum(t => Ticket(t).Runs.Count), tickets.Sum(t => TicketSchedule.For(Spec, t).Count));
    }

    private SearchState Update(TicketId ticket, Func<TicketState, TicketState> change) =>
        this with { Tickets = Tickets.SetItem(ticket, change(Ticket(ticket))) };

    /// <summary>A journaled run, once: a run journaled twice (a replayed completion) is kept as the first.</summary>
    private SearchState Recorded(RunResult run) =>
        Update(run.Unit.Ticket, t => t.Has(run.Unit) ? t : t with { Runs = t.Runs.Add(run) });

    private sealed class TicketOrder : IComparer<TicketId>
    {
        public static readonly TicketOrder Instance = new();

        public int Compare(TicketId x, TicketId y) =>
            x.WidthIndex != y.WidthIndex ? x.WidthIndex.CompareTo(y.WidthIndex) : x.Index.CompareTo(y.Index);
    }

    private static string Short(string fingerprint) => fingerprint[..Math.Min(12, fingerprint.Length)];
}
