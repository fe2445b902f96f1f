using LotteryActors.Training.Imp;

namespace LotteryActors.Actors.Protocol;

/// <summary>
/// What a search's actors publish on their process's event stream for whoever shows its progress (the console's
/// view, the bench): local to one process, never journaled, never sent to another node.
/// </summary>
public static class ProgressMessages
{
    /// <summary>A worker trained a chunk of a run; <paramref name="Complete"/> once the run is trained: at its last
    /// iteration, or earlier when its patience ran out (a dense baseline stopped on validation).</summary>
    public sealed record RunProgressed(WorkUnit Unit, int Iteration, int TotalIterations, bool Complete);

    /// <summary>The coordinator journaled a run (and once as it takes the search): how many of the search's runs
    /// are journaled.</summary>
    public sealed record RunsJournaled(string SearchId, int Done, int Total);
}
