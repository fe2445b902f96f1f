namespace LotteryActors.Training.Artifacts;

/// <summary>
/// Where a node's artifact bytes live, by their SHA-256: a directory (local, or a shared mount), or a database with
/// a directory on this node as its cache. Every read is checked against the hash, so no altered copy is ever
/// returned; <see cref="ArtifactStore"/> turns the bytes into tensors.
/// </summary>
public interface IArtifactBackend : IDisposable
{
    /// <summary>The copies on this node's disk: the store itself, or the cache in front of a database.</summary>
    ArtifactDirectory Local { get; }

    /// <summary>Stores <paramref name="bytes"/>, whose SHA-256 is <paramref name="hash"/>; an intact copy stays.
    /// </summary>
    void Write(string hash, byte[] bytes);

    /// <summary>The bytes named by <paramref name="hash"/>, checked; <see cref="CorruptArtifactException"/> when
    /// they are missing or altered beyond what this backend can recover.</summary>
    byte[] Read(string hash);

    /// <summary>Whether the authoritative copy is there and whole, as closely as <paramref name="check"/> asks.
    /// </summary>
    ArtifactCondition Check(string hash, ArtifactCheck check);
}
