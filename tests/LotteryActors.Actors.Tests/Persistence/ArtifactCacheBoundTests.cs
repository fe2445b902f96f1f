using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Training.Artifacts;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// A node's cache of database artifacts stays under its limit: past it the least recently used copies go, down to
/// nine tenths of the limit, and a copy read since it was cached counts as recently used.
/// </summary>
public sealed class ArtifactCacheBoundTests : IDisposable
{
    private readonly ArtifactDirectory cache =
        new(Path.Combine(Path.GetTempPath(), $"lottery-cache-bound-{Guid.NewGuid():N}"));

    public void Dispose() => Directory.Delete(cache.Root, recursive: true);

    /// <summary>Caches a 1,000-byte artifact whose use time is <paramref name="minutesAgo"/> in the past.</summary>
    private string Cached(ArtifactCacheBound bound, int seed, int minutesAgo)
    {
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7 + seed)).ToArray();
        var hash = ArtifactDirectory.HashOf(bytes);
        cache.Write(hash, bytes);
        File.SetLastWriteTimeUtc(cache.PathOf(hash), DateTime.UtcNow.AddMinutes(-minutesAgo));
        bound.Added(bytes.Length);
        return hash;
    }

    [Fact]
    public void Past_the_limit_the_least_recently_used_copies_go_down_to_nine_tenths_of_it()
    {
        var bound = new ArtifactCacheBound(cache, limit: 4000);
        var hashes = Enumerable.Range(0, 4).Select(i => Cached(bound, i, minutesAgo: 50 - i)).ToList();
        Assert.All(hashes, h => Assert.True(File.Exists(cache.PathOf(h))));

        var newest = Cached(bound, 9, minutesAgo: 0);

        // 5,000 bytes against 4,000: the two oldest go (3,000 <= 3,600), the rest stay.
        Assert.False(File.Exists(cache.PathOf(hashes[0])));
        Assert.False(File.Exists(cache.PathOf(hashes[1])));
        Assert.True(File.Exists(cache.PathOf(hashes[2])));
        Assert.True(File.Exists(cache.PathOf(hashes[3])));
        Assert.True(File.Exists(cache.PathOf(newest)));
    }

    [Fact]
    public void A_copy_read_since_it_was_cached_outlives_newer_copies_nobody_read()
    {
        var bound = new ArtifactCacheBound(cache, limit: 3000);
        var old = Cached(bound, 0, minutesAgo: 60);
        var middle = Cached(bound, 1, minutesAgo: 30);
        var recent = Cached(bound, 2, minutesAgo: 10);

        bound.Used(old);
        Cached(bound, 3, minutesAgo: 5);

        Assert.True(File.Exists(cache.PathOf(old)));
        Assert.False(File.Exists(cache.PathOf(middle)));
        Assert.False(File.Exists(cache.PathOf(recent)));
    }

    [Fact]
    public void No_limit_keeps_every_copy()
    {
        var bound = new ArtifactCacheBound(cache, limit: 0);
        var hashes = Enumerable.Range(0, 5).Select(i => Cached(bound, i, minutesAgo: 10 - i)).ToList();

        Assert.All(hashes, h => Assert.True(File.Exists(cache.PathOf(h))));
    }

    [Fact]
    public void The_cache_limit_defaults_to_ten_gibibytes() =>
        Assert.Equal(10L << 30, RuntimeSettings.Read(LotteryConfig.Defaults).ArtifactCacheLimit);

    [Theory]
    [InlineData("512 MiB", 512L << 20)]
    [InlineData("0", 0L)]
    public void The_cache_limit_is_a_hocon_size(string size, long bytes) =>
        Assert.Equal(bytes, RuntimeSettings.Read(
            LotteryConfig.FromText($"lottery.runtime.artifact-cache-size = {size}")).ArtifactCacheLimit);
}
