using System.Text.Json.Serialization;
using LotteryActors.Actors.Protocol;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Search;

/// <summary>The --json view of a search (<c>search</c>, <c>status</c>) and of the dashboard's API.</summary>
public sealed record SearchDocument(
    string SearchId, string Name, string Phase, bool Completed, int RunsDone, int RunsTotal, SearchSpec Spec,
    IReadOnlyList<TicketDocument> Tickets, EnsembleReport? Ensemble)
{
    /// <summary>
    /// The units running now, as their coordinator last published them (the dashboard's <c>/api/searches/{id}</c>);
    /// left out of the JSON where nothing fresh was published, and by <c>status --json</c>, which reads the journal
    /// alone.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RunningUnitDocument>? Units { get; init; }

    /// <summary>The search's priority on a cluster (<see cref="SearchState.Priority"/>); left out where it is the
    /// default, 1, so what a search printed before priorities is printed unchanged.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Priority { get; init; }

    /// <param name="running">Whether a process holds the search's lock now.</param>
    public static SearchDocument From(SearchState state, bool running = false)
    {
        var (done, total) = state.Progress();
        return new SearchDocument(state.SearchId!, state.Spec!.Name, PhaseOf(state, running), state.Completed,
            done, total, state.Spec,
            state.Tickets.Select(p => new TicketDocument(p.Key.ToString(), state.Spec.InitOf(p.Key).Index,
                p.Value.Finished, p.Value.FailureReason, p.Value.Runs.Select(RunRow.From).ToList())).ToList(),
            state.Ensemble)
        {
            Priority = state.Priority == SearchState.Empty.Priority ? null : state.Priority,
        };
    }

    /// <summary>completed; cancelled (an operator stopped it on a cluster); running (a process holds the lock, or
    /// the cluster runs it); else interrupted. Resume (or a new submit) continues the last two.
    /// </summary>
    public static string PhaseOf(SearchState state, bool running) =>
        state.Completed ? "completed" : state.Cancelled ? "cancelled" : running ? "running" : "interrupted";
}

/// <param name="Init">Which of its width's shared inits the ticket starts from (0 with one init per width).</param>
public sealed record TicketDocument(string Ticket, int Init, bool Finished, string? Failure, IReadOnlyList<RunRow> Runs);

/// <summary>
/// What <c>status --json</c> prints and the dashboard's <c>/api/searches</c> returns: one builder, so they agree.
/// </summary>
public sealed record StatusDocument(IReadOnlyList<SearchDocument> Searches)
{
    /// <param name="running">Whether a process holds the search's lock now.</param>
    public static StatusDocument From(IEnumerable<SearchState> states, Func<SearchState, bool> running) =>
        new(states.Select(s => SearchDocument.From(s, running(s))).ToList());
}

/// <summary>A unit running now, and how far it is, by what its node last reported to the coordinator.</summary>
/// <param name="Unit">The ticket (w0-t1), the init (w0), or "all" for the ensembles.</param>
/// <param name="Kind">The run's kind (ticket, random-reinit, random-mask, dense), init or ensembles.</param>
/// <param name="Node">host:port of the cluster node that runs it; "local" for a search run by one process.</param>
/// <param name="Fraction">Iterations done over the run's iterations; null until its node has reported it.</param>
/// <param name="EtaSeconds">The run's iterations left at its measured rate; null before a rate is measured.</param>
/// <param name="AgeSeconds">How long ago it was published (by the database's clock).</param>
public sealed record RunningUnitDocument(string Unit, int? Round, string Kind, string Node, double? Fraction,
    double? ExamplesPerSecond, double? EtaSeconds, double AgeSeconds);
