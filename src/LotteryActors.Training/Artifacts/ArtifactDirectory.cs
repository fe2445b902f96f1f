using System.Security.Cryptography;

namespace LotteryActors.Training.Artifacts;

/// <summary>
/// Content-addressed files under one folder: <c>ab/abcd….safetensors</c>, named by the SHA-256 of their bytes.
/// Writes go to a temporary file that is renamed into place, so a crash leaves either the whole file or none. The
/// folder may be a shared mount seen by every node.
/// </summary>
public sealed class ArtifactDirectory : IArtifactBackend
{
    public const string Extension = ".safetensors";

    public ArtifactDirectory(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public ArtifactDirectory Local => this;

    public string PathOf(string hash) => Path.Combine(Root, hash[..2], hash + Extension);

    public void Write(string hash, byte[] bytes)
    {
        var path = PathOf(hash);
        if (File.Exists(path) && HashOf(path) == hash)
            return;
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
    }

    public byte[] Read(string hash)
    {
        var path = PathOf(hash);
        if (!File.Exists(path))
            throw new CorruptArtifactException($"artifact {hash} is missing (expected at {path})");
        var bytes = File.ReadAllBytes(path);
        var actual = HashOf(bytes);
        if (actual != hash)
            throw new CorruptArtifactException($"artifact {path} is corrupt: its content hashes to {actual}");
        return bytes;
    }

    public ArtifactCondition Check(string hash, ArtifactCheck check)
    {
        try
        {
            using var file = File.OpenRead(PathOf(hash));
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

    /// <summary>Removes this node's copy (a cache dropping a corrupt file); a missing file is fine.</summary>
    public void Delete(string hash) => File.Delete(PathOf(hash));

    /// <summary>Nothing to release: every file is closed when its call returns.</summary>
    public void Dispose()
    {
    }

    public static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string HashOf(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
