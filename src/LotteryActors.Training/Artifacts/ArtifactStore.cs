using System.Security.Cryptography;
using static TorchSharp.torch;

namespace LotteryActors.Training.Artifacts;

/// <summary>
/// Content-addressed tensor files: the name is the SHA-256 of the bytes, so a file is written once, shared by every
/// event that names it, and checked on every read. Writes go to a temporary file that is renamed into place, so a
/// crash leaves either the whole file or none. The directory may be a shared mount seen by every node.
/// </summary>
public sealed class ArtifactStore
{
    private const string Extension = ".safetensors";

    public ArtifactStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string hash) => Path.Combine(Root, hash[..2], hash + Extension);

    /// <summary>Stores the tensors (copied to the CPU) and returns their hash; storing the same content twice is a no-op.</summary>
    public string Put(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var bytes = SafeTensors.Serialize(tensors, metadata);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var path = PathOf(hash);
        if (File.Exists(path) && HashOfFile(path) == hash)
            return hash;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            // A full disk fails the write or the flush: leave no partial file behind to fill it further.
            if (File.Exists(temp))
                File.Delete(temp);
            throw;
        }
        return hash;
    }

    /// <summary>Loads the tensors named by <paramref name="hash"/>, refusing a missing or altered file.</summary>
    public Dictionary<string, Tensor> Get(string hash)
    {
        var bytes = ReadVerified(hash);
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
    public ArtifactCondition Check(string hash, ArtifactCheck check)
    {
        var path = PathOf(hash);
        try
        {
            using var file = File.OpenRead(path);
            var intact = check == ArtifactCheck.Content
                ? Convert.ToHexStringLower(SHA256.HashData(file)) == hash
                : SafeTensors.HasPlausibleLayout(file);
            return intact ? ArtifactCondition.Intact : ArtifactCondition.Corrupt;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ArtifactCondition.Missing;
        }
    }

    private byte[] ReadVerified(string hash)
    {
        var path = PathOf(hash);
        if (!File.Exists(path))
            throw new CorruptArtifactException($"artifact {hash} is missing (expected at {path})");
        var bytes = File.ReadAllBytes(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != hash)
            throw new CorruptArtifactException($"artifact {path} is corrupt: its content hashes to {actual}");
        return bytes;
    }

    private static string HashOfFile(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
