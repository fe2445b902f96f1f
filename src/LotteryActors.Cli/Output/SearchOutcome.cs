using LotteryActors.Actors.Search;

namespace LotteryActors.Cli.Output;

/// <summary>
/// How a command that followed a search to its end reports it: <c>search</c>, <c>resume</c> and
/// <c>submit --wait</c> print the same tables (or, with --json, the same document) and exit the same way.
/// </summary>
public static class SearchOutcome
{
    /// <param name="retry">What the user can do about failed tickets, after "N ticket(s) failed (…); ".</param>
    /// <returns>Success, or TicketsFailed when the search completed with tickets that failed (diverged).</returns>
    public static int Print(SearchState state, bool json, string retry)
    {
        if (json)
            JsonOutput.Write(SearchDocument.From(state));
        else
            SearchTables.PrintResults(state);
        if (state.FailedTickets().ToList() is not { Count: > 0 } failed)
            return ExitCodes.Success;
        Console.Error.WriteLine($"error: search {state.SearchId} completed, but {failed.Count} ticket(s) failed " +
            $"({string.Join(", ", failed)}); {retry}");
        return ExitCodes.TicketsFailed;
    }
}
