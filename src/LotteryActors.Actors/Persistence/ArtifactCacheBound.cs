using LotteryActors.Training.Artifacts;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// Keeps a node's cache of database artifacts under <c>lottery.runtime.artifact-cache-size</c>: past the limit the
/// least recently used files go, down to nine tenths of it, so a long census cannot fill a trainer's disk and a cache
/// just over the limit is not rescanned on every write. Only a cache is trimmed: the database keeps every artifact,
/// and a file deleted here costs one fetch. Trainers on their own threads share it, hence the lock.
/// </summary>
public sealed class ArtifactCacheBound
{
    private readonly ArtifactDirectory cache;
    private readonly long limit;
    private readonly Lock gate = new();
    private long size = -1;

    /// <param name="limit">Bytes; 0 for no limit.</param>
    public ArtifactCacheBound(ArtifactDirectory cache, long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        this.cache = cache;
        this.limit = limit;
    }

    /// <summary>A cached copy was read: it is now the most recently used (its write time is the use time).</summary>
    public void Used(string hash)
    {
        if (limit == 0)
            return;
        try
        {
            File.SetLastWriteTimeUtc(cache.PathOf(hash), DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another node sharing the folder trimmed it meanwhile; the bytes were already read.
        }
    }

    /// <summary>A copy of <paramref name="bytes"/> bytes was cached; trims the cache if that took it past the limit.
    /// </summary>
    public void Added(long bytes)
    {
        if (limit == 0)
            return;
        lock (gate)
        {
            // Counted, not rescanned, between trims. A copy that was already cached is counted again, which only
            // brings the next scan forward, and each scan recounts.
            if (size >= 0 && (size += bytes) <= limit)
                return;
            var files = Files().ToList();
            size = files.Sum(f => f.Length);
            if (size <= limit)
                return;
            var target = limit / 10 * 9;
            foreach (var file in files.OrderBy(f => f.LastWriteTimeUtc))
            {
                if (size <= target)
                    break;
                var length = file.Length;
                try
                {
                    file.Delete();
                    size -= length;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Not ours to delete, or another node on this folder is at it: the next scan sees it again.
                }
            }
        }
    }

    private IEnumerable<FileInfo> Files() =>
        new DirectoryInfo(cache.Root).EnumerateFiles("*" + ArtifactDirectory.Extension, SearchOption.AllDirectories);
}
