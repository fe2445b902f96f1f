namespace LotteryActors.Actors.Protocol;

/// <summary>Notifications and queries of the search coordinator (never journaled).</summary>
public static class SearchMessages
{
    /// <summary>Sent to the coordinator's listener when the search has completed (now, or in an earlier run).</summary>
    public sealed record SearchFinished(Search.SearchState State);

    /// <summary>Asks the coordinator for its current state; answered with a <see cref="Search.SearchState"/>.</summary>
    public sealed record GetState
    {
        public static readonly GetState Instance = new();
    }
}
