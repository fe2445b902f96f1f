using LotteryActors.Actors.Configuration;
using LotteryActors.Training.Artifacts;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// The one place that turns <c>lottery.runtime.artifact-store</c> into a store: every command and node opens its
/// artifacts here, so a new backend (an <see cref="IArtifactBackend"/>) is one value of
/// <see cref="ArtifactBackendKind"/>, its checks in <see cref="RuntimeSettings"/> and one case below.
/// </summary>
public static class ArtifactBackends
{
    /// <summary>
    /// The configured store. Every backend keeps this node's <c>artifacts</c> folder: the directory backend is the
    /// folder itself (local, or a lab's shared mount), PostgreSQL uses it as the node's cache of its rows.
    /// </summary>
    public static ArtifactStore Open(RuntimeSettings runtime)
    {
        var local = new ArtifactDirectory(runtime.ArtifactsDirectory);
        return runtime.ArtifactBackend switch
        {
            ArtifactBackendKind.Directory => new ArtifactStore(local),
            ArtifactBackendKind.Postgresql => new ArtifactStore(
                new PostgresArtifacts(runtime.ConnectionString, local, runtime.ArtifactCacheLimit)),
            _ => throw new ArgumentOutOfRangeException(nameof(runtime), runtime.ArtifactBackend, "no such backend"),
        };
    }
}
