namespace LotteryActors.Actors.Protocol;

/// <summary>Notifications and queries of the search coordinator (never journaled).</summary>
public static class SearchMessages
{
    /// <summary>Sent to the coordinator's listener when the search has completed (now, or in an earlier run).</summary>
    public sealed record SearchFinished(Search.SearchState State);

    /// <summary>
    /// Sent to the coordinator's listener when the search stops before completing (retries exhausted, journal
    /// unwritable); the coordinator stops itself after sending it. Resuming continues from the journal.
    /// </summary>
    public sealed record SearchHalted(SearchFault Fault);

    /// <summary>
    /// Published by the coordinator on the event stream (for a progress display) when it starts handing out runs and
    /// after each run it journals: how many of the search's runs are journaled.
    /// </summary>
    public sealed record RunsJournaled(string SearchId, int Done, int Total);

    /// <summary>Asks the coordinator for its current state; answered with a <see cref="Search.SearchState"/>.</summary>
    public sealed record GetState
    {
        public static readonly GetState Instance = new();
    }
}
