using static TorchSharp.torch;

namespace LotteryActors.Training.Artifacts;

/// <summary>
/// Content-addressed tensors: an artifact is named by the SHA-256 of its safetensors bytes, so it is written once,
/// shared by every event that names it, and checked on every read. Where the bytes live is the backend's business:
/// a directory by default, or a database with a cache on this node.
/// </summary>
public sealed class ArtifactStore(IArtifactBackend backend) : IDisposable
{
    /// <summary>A store in the directory <paramref name="root"/> (local, or a shared mount).</summary>
    public ArtifactStore(string root)
        : this(new ArtifactDirectory(root))
    {
    }

    public IArtifactBackend Backend { get; } = backend;

    /// <summary>This node's folder of copies.</summary>
    public string Root => Backend.Local.Root;

    /// <summary>Where this node keeps its copy of <paramref name="hash"/>.</summary>
    public string PathOf(string hash) => Backend.Local.PathOf(hash);

    /// <summary>
    /// Stores the tensors (copied to the CPU) and returns their hash; storing the same content twice is a no-op.
    /// </summary>
    public string Put(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var bytes = SafeTensors.Serialize(tensors, metadata);
        var hash = ArtifactDirectory.HashOf(bytes);
        Backend.Write(hash, bytes);
        return hash;
    }

    /// <summary>Loads the tensors named by <paramref name="hash"/>, refusing a missing or altered file.</summary>
    public Dictionary<string, Tensor> Get(string hash)
    {
        var bytes = Backend.Read(hash);
        try
        {
            return SafeTensors.Deserialize(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            throw new CorruptArtifactException($"artifact {hash} is not a valid safetensors file: {e.Message}");
        }
    }

    public bool Contains(string hash) => File.Exists(PathOf(hash));

    /// <summary>Whether the artifact is there and whole, as closely as <paramref name="check"/> asks.</summary>
    public ArtifactCondition Check(string hash, ArtifactCheck check) => Backend.Check(hash, check);

    public void Dispose() => Backend.Dispose();
}
