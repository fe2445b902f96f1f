using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Training.Artifacts;
using static TorchSharp.torch;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// The PostgreSQL artifact store against a real server: two nodes with their own caches share artifacts through
/// the database; a corrupt cached copy is fetched again and never returned; a corrupt row is a fault naming the
/// hash; a repair's write restores the row; a cache that cannot be written only costs fetches.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class PostgresArtifactsTests(SharedPostgres postgres) : IClassFixture<SharedPostgres>, IDisposable
{
    private readonly string connection = postgres.NewDatabase();
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lottery-pg-artifacts-{Guid.NewGuid():N}");
    private readonly List<ArtifactStore> opened = [];

    public void Dispose()
    {
        opened.ForEach(s => s.Dispose());
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A node's store, as <see cref="NodeBuilder"/> opens it from HOCON-read settings.</summary>
    private ArtifactStore Node(string name, long cacheLimit = 0)
    {
        var home = Path.Combine(folder, name);
        var runtime = new RuntimeSettings(home, Path.Combine(home, "cache"), 1, 1, "cpu", 10, 0, TimeSpan.Zero,
            TimeSpan.Zero, 5, JournalBackend.Postgresql, connection, ArtifactBackendKind.Postgresql)
        {
            ArtifactCacheLimit = cacheLimit,
        };
        var store = ArtifactBackends.Open(runtime);
        lock (opened)
            opened.Add(store);
        return store;
    }

    private static string PutSample(ArtifactStore store, float value = 1.5f)
    {
        using var weights = full(3, 4, value);
        return store.Put(new Dictionary<string, Tensor> { ["layer.weight"] = weights });
    }

    private static float Read(ArtifactStore store, string hash)
    {
        var tensors = store.Get(hash);
        try
        {
            return tensors["layer.weight"].mean().item<float>();
        }
        finally
        {
            foreach (var t in tensors.Values)
                t.Dispose();
        }
    }

    private void Sql(string sql, params object[] values) => SharedPostgres.Execute(connection, sql, values);

    private static void FlipLastByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void An_artifact_one_node_stores_is_read_by_another_node_through_the_database_and_cached_there()
    {
        var writer = Node("writer");
        var reader = Node("reader");
        var hash = PutSample(writer);
        Assert.False(File.Exists(reader.PathOf(hash)));

        Assert.Equal(1.5f, Read(reader, hash));

        Assert.Equal(hash, ArtifactDirectory.HashOf(File.ReadAllBytes(reader.PathOf(hash))));
        Assert.Equal(ArtifactCondition.Intact, reader.Check(hash, ArtifactCheck.Content));
        Assert.Equal(ArtifactCondition.Missing, reader.Check(new string('0', 64), ArtifactCheck.Layout));
    }

    [Fact]
    public void A_corrupt_cached_copy_is_never_returned_but_fetched_again_and_the_cache_healed()
    {
        var node = Node("node");
        var hash = PutSample(node);
        FlipLastByte(node.PathOf(hash));

        Assert.Equal(1.5f, Read(node, hash));

        Assert.Equal(hash, ArtifactDirectory.HashOf(File.ReadAllBytes(node.PathOf(hash))));
    }

    [Fact]
    public void A_corrupt_database_row_is_an_environmental_fault_naming_the_hash_and_a_write_restores_it()
    {
        var node = Node("node");
        var hash = PutSample(node);
        Sql($"UPDATE {PostgresArtifacts.Table} SET content = content || '\\x00'::bytea WHERE hash = $1", hash);
        File.Delete(node.PathOf(hash));

        var error = Assert.Throws<CorruptArtifactException>(() => node.Get(hash));

        var fault = SearchFault.Of(error);
        Assert.Equal(FaultKind.Environmental, fault.Kind);
        Assert.Contains(hash, fault.Cause);
        Assert.Contains("corrupt in the database", fault.Cause);
        Assert.False(File.Exists(node.PathOf(hash)));
        Assert.Equal(ArtifactCondition.Corrupt, node.Check(hash, ArtifactCheck.Layout));

        Assert.Equal(hash, PutSample(Node("repairer")));
        Assert.Equal(ArtifactCondition.Intact, node.Check(hash, ArtifactCheck.Content));
        Assert.Equal(1.5f, Read(Node("after-repair"), hash));
    }

    [Fact]
    public void An_artifact_missing_from_the_database_is_a_fault_naming_the_hash()
    {
        var node = Node("node");
        var hash = PutSample(node, 2.5f);
        Sql($"DELETE FROM {PostgresArtifacts.Table} WHERE hash = $1", hash);

        var error = Assert.Throws<CorruptArtifactException>(() => Node("other").Get(hash));

        Assert.Equal($"artifact {hash} is missing from the database", error.Message);
        Assert.Equal(ArtifactCondition.Missing, node.Check(hash, ArtifactCheck.Content));
    }

    [Fact]
    public void A_cache_that_cannot_be_written_costs_a_fetch_not_the_write_or_the_read()
    {
        var node = Node("node");
        // A file where the cache directory was: every cache write now fails, as on a full or read-only disk
        // (a permission bit would not stop the root user CI may run as).
        var cache = Path.Combine(folder, "node", "cache");
        Directory.Delete(cache, recursive: true);
        File.WriteAllText(cache, "not a directory");

        var hash = PutSample(node, 3.5f);

        Assert.Equal(ArtifactCondition.Intact, node.Check(hash, ArtifactCheck.Content));
        Assert.Equal(3.5f, Read(node, hash));
        Assert.Equal(3.5f, Read(node, hash));
        Assert.False(Directory.Exists(cache));
    }

    [Fact]
    public void A_node_keeps_its_cache_under_its_limit_and_reads_trimmed_artifacts_from_the_database()
    {
        var node = Node("node", cacheLimit: 1);

        var hash = PutSample(node, 4.5f);

        Assert.False(File.Exists(node.PathOf(hash)));
        Assert.Equal(4.5f, Read(node, hash));
        Assert.Equal(ArtifactCondition.Intact, node.Check(hash, ArtifactCheck.Content));
    }

    [Fact]
    public void Nodes_opening_the_store_at_once_all_find_one_table()
    {
        var stores = Enumerable.Range(0, 6).AsParallel().Select(i => Node($"node{i}")).ToList();

        var hashes = stores.Select((s, i) => PutSample(s, i)).ToList();

        Assert.Equal(6, hashes.Distinct().Count());
        Assert.All(hashes, h => Assert.Equal(ArtifactCondition.Intact, stores[0].Check(h, ArtifactCheck.Content)));
    }
}
