namespace LotteryActors.Cluster.Work;

/// <summary>
/// A search's share of a cluster's slots against the other searches' (<c>submit --priority N</c>): the next free
/// slot goes to the search with the fewest units running per point of priority (<see cref="WorkQueue.Lease"/>), so
/// searches of priorities 3 and 1 run three units and one. None is starved: a search with no unit running takes the
/// next free slot before any that has one. Bounded so that a typo cannot make one search's share dwarf every other's.
/// </summary>
public static class SearchPriority
{
    /// <summary>What a search submitted without one has, and every search had before priorities: an equal share.
    /// </summary>
    public const int Default = 1;

    public const int Max = 100;

    /// <summary>The allowed range, as a usage error names it.</summary>
    public static string Allowed => $"a whole number from {Default} to {Max}";

    public static bool IsAllowed(int priority) => priority is >= Default and <= Max;

    /// <summary>
    /// Into the allowed range: the command line refuses anything else, so only a client of another build could send
    /// it, and the coordinator's fold divides by it.
    /// </summary>
    public static int Clamped(int priority) => Math.Clamp(priority, Default, Max);
}
