using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Search;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Repair;

namespace LotteryActors.Actors.Hosting;

/// <summary>
/// Checks a journaled search's artifacts against this node's artifact store, and regenerates the damaged ones on
/// this node: every artifact is content-addressed and every run deterministic, so a lost one is made again bit
/// for bit.
/// </summary>
public static class ArtifactVerifier
{
    public static ArtifactCheckReport Check(SearchState state, RuntimeSettings runtime, ArtifactCheck check)
    {
        using var store = ArtifactBackends.Open(runtime);
        return ArtifactCheckReport.Run(ArtifactAudit.Of(state), store, check);
    }

    /// <summary>
    /// Re-runs the steps that produced <paramref name="damaged"/> on the node's device, with the node's libtorch
    /// thread count. Holds the search's lock, so a repair never trains beside a running search of the same id.
    /// </summary>
    public static RepairReport Repair(SearchState state, RuntimeSettings runtime,
        IReadOnlyList<DamagedArtifact> damaged, Action<ArtifactProducer>? starting = null)
    {
        using var searchLock = SearchLock.Acquire(runtime.Home, state.SearchId!);
        // A CPU run is reproducible bit for bit only at the intra-op thread count it was made with (measured: a
        // 2-thread search re-run with 1 thread gave other weights for every run); the journal does not record it,
        // but the same runtime settings give the same count, one thread per trainer by default.
        using var builder = new NodeBuilder(runtime);
        var runner = builder.Runner(state);
        return new ArtifactRepair(runner, runtime.ChunkIterations).Repair(damaged, starting);
    }
}
