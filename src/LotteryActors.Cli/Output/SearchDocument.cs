using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Output;

/// <summary>The --json view of a search.</summary>
public sealed record SearchDocument(
    string SearchId, string Name, bool Completed, int RunsDone, int RunsTotal, SearchSpec Spec,
    IReadOnlyList<TicketDocument> Tickets, EnsembleReport? Ensemble)
{
    public static SearchDocument From(SearchState state)
    {
        var (done, total) = state.Progress();
        return new SearchDocument(state.SearchId!, state.Spec!.Name, state.Completed, done, total, state.Spec,
            state.Tickets.Select(p => new TicketDocument(p.Key.ToString(), p.Value.Finished, p.Value.FailureReason,
                p.Value.Runs.Select(RunRow.From).ToList())).ToList(),
            state.Ensemble);
    }
}

public sealed record TicketDocument(string Ticket, bool Finished, string? Failure, IReadOnlyList<RunRow> Runs);
