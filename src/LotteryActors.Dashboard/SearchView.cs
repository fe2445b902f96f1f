using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Training.Imp;

namespace LotteryActors.Dashboard;

/// <summary>
/// What the page is pushed for one search: the same document as <c>status --json</c>, plus each ticket's place in
/// its schedule (every ticket the spec asks for, started or not), so the page draws without knowing the schedule.
/// </summary>
public sealed record SearchView(SearchDocument Search, IReadOnlyList<TicketProgress> Progress, string? ComparisonUrl)
{
    public static SearchView From(SearchState state, bool running)
    {
        var spec = state.Spec!;
        var progress = spec.Tickets().Select(id =>
        {
            var schedule = TicketSchedule.For(spec, id);
            var ticket = state.Ticket(id);
            var done = ticket.Runs.Select(r => new RunSlot(r.Unit.Round, r.Unit.Kind)).ToHashSet();
            // The round of the ticket's next run; a ticket with none left stands at its last round.
            var round = schedule.FirstOrDefault(s => !done.Contains(s), schedule[^1]).Round;
            var phase = ticket.Failed ? "failed"
                : ticket.Finished ? "finished"
                : done.Count > 0 ? "training"
                : "waiting";
            return new TicketProgress(id.ToString(), spec.Width(id), done.Count, schedule.Count, round,
                spec.Pruning.Rounds, phase, ticket.FailureReason);
        }).ToList();
        return new SearchView(SearchDocument.From(state, running), progress,
            state.Ensemble is null ? null : ComparisonPath(state.SearchId!));
    }

    /// <summary>The journaled comparison of the search's tickets, ensembles and dense runs.</summary>
    public static string ComparisonPath(string searchId) =>
        $"/api/searches/{Uri.EscapeDataString(searchId)}/comparison";
}

/// <param name="Phase">waiting (no run journaled), training, finished or failed.</param>
public sealed record TicketProgress(
    string Ticket, double Width, int RunsDone, int RunsTotal, int Round, int Rounds, string Phase, string? Failure);
