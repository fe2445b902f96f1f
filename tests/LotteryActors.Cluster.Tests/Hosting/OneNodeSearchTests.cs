using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tickets;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using Microsoft.Data.Sqlite;

namespace LotteryActors.Cluster.Tests.Hosting;

/// <summary>
/// The one execution path's core: a search run as a one-node cluster in one process (the cluster's coordinator,
/// work units and workers, on the SQLite journal of a single node, no port) ends with the inits, runs and
/// ensembles that today's single-node engine makes of the same spec, bit for bit, and journals only through its
/// own coordinator, keyed by the search.
/// </summary>
public sealed class OneNodeSearchTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly string home = Path.Combine(Path.GetTempPath(), $"lottery-one-node-{Guid.NewGuid():N}");

    private static readonly SearchSpec Spec = SyntheticSpec.Search() with { TicketsPerWidth = 2, InitsPerWidth = 2 };

    public OneNodeSearchTests() => TorchSharp.torch.set_num_threads(1);

    [Fact]
    public async Task A_one_node_cluster_ends_with_the_single_node_engines_inits_runs_and_ensembles()
    {
        var spec = Spec;
        var single = Runtime("single");
        using var singleStore = new ArtifactStore(single.ArtifactsDirectory);
        var expected = await SingleNodeEngine(single, singleStore);
        var oneNode = Runtime("one-node");
        using var store = new ArtifactStore(oneNode.ArtifactsDirectory);

        var actual = await OneNode(oneNode, store);

        Assert.True(actual.Completed);
        Assert.Equal(2, expected.Inits.Count);
        Assert.Equal(expected.Inits.Values.Select(i => (i.Id, i.InitHash, i.DenseMaskHash)),
            actual.Inits.Values.Select(i => (i.Id, i.InitHash, i.DenseMaskHash)));
        foreach (var ticket in spec.Tickets())
            Assert.Equal(expected.Ticket(ticket).Runs, actual.Ticket(ticket).Runs);
        Assert.NotEmpty(expected.Ensemble!.Levels);
        Assert.Equal(expected.Ensemble.Levels, actual.Ensemble!.Levels);
        var journal = JournalFile.PathIn(oneNode.Home);
        Assert.Equal(0, JournalRows.Count(journal, "SearchStarted.v1"));
        Assert.Equal(1, JournalRows.Count(journal, "SearchSubmitted.v1"));
        Assert.Equal([WorkCoordinator.PersistenceIdFor(spec.SearchId)], Writers(journal));
    }

    /// <summary>
    /// Old journals keep working: a search today's single-node engine journaled, killed after its third run, is
    /// adopted by its one-node coordinator once and ends as the uninterrupted single-node search did, bit for bit;
    /// run again, it is known and adopted no more. The old engine's journal is left as it was, and the readers
    /// (status, compare, report) read the search from its coordinator, as one search run in one process.
    /// </summary>
    [Fact]
    public async Task A_search_the_single_node_engine_journaled_is_adopted_once_and_ends_as_it_would_have()
    {
        var spec = Spec;
        var runtime = Runtime("old");
        using var store = new ArtifactStore(runtime.ArtifactsDirectory);
        var uninterrupted = await SingleNodeEngine(runtime, store);
        var journal = JournalFile.PathIn(runtime.Home);
        JournalRows.KeepUpTo(journal, "RoundCompleted.v2", 3);
        var oldEntries = JournalRows.Count(journal, "RoundCompleted.v2");

        var resumed = await OneNode(runtime, store);
        var again = await OneNode(runtime, store);

        Assert.Equal(3, oldEntries);
        Assert.True(resumed.Completed);
        foreach (var ticket in spec.Tickets())
        {
            Assert.Equal(uninterrupted.Ticket(ticket).Runs, resumed.Ticket(ticket).Runs);
            Assert.Equal(uninterrupted.Ticket(ticket).Runs, again.Ticket(ticket).Runs);
        }
        Assert.Equal(uninterrupted.Ensemble!.Levels, resumed.Ensemble!.Levels);
        Assert.Equal(1, JournalRows.Count(journal, "SearchAdopted.v1"));
        Assert.Equal(0, JournalRows.Count(journal, "SearchSubmitted.v1"));
        Assert.Equal(3, JournalRows.Count(journal, "RoundCompleted.v2"));
        await using var searches = new JournaledSearches(runtime);
        Assert.Equal([spec.SearchId], await searches.SearchIdsAsync());
        var read = await searches.ReadStartedAsync(spec.SearchId);
        Assert.False(searches.SubmittedToCluster(spec.SearchId));
        Assert.True(read.Completed);
        foreach (var ticket in spec.Tickets())
            Assert.Equal(uninterrupted.Ticket(ticket).Runs, read.Ticket(ticket).Runs);
    }

    /// <summary>Today's single-node engine (<c>lottery search</c>) on <see cref="Spec"/>.</summary>
    private Task<SearchState> SingleNodeEngine(RuntimeSettings runtime, ArtifactStore store) =>
        SearchHost.RunAsync(new TrainingNode(new ImpRunner(Spec, data, store), runtime), null).WaitAsync(Patience);

    /// <summary><see cref="Spec"/> on a one-node cluster in this process.</summary>
    private Task<SearchState> OneNode(RuntimeSettings runtime, ArtifactStore store) =>
        OneNodeSearch.RunAsync(Spec, runtime, s => new ImpRunner(s, data, store), Lab.Timing).WaitAsync(Patience);

    /// <summary>Every persistence id that wrote to the journal.</summary>
    private static List<string> Writers(string journal)
    {
        using var connection = new SqliteConnection($"Data Source={journal};Mode=ReadOnly");
        connection.Open();
        using var query = new SqliteCommand("SELECT DISTINCT persistence_id FROM journal", connection);
        using var reader = query.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
            ids.Add(reader.GetString(0));
        return ids;
    }

    private RuntimeSettings Runtime(string name)
    {
        var root = Path.Combine(home, name);
        return new RuntimeSettings(root, Path.Combine(root, "artifacts"), Slots: 2, TorchThreads: 1, "cpu",
            ChunkIterations: 7, MaxRestarts: 2, MinBackoff: TimeSpan.FromMilliseconds(50),
            MaxBackoff: TimeSpan.FromMilliseconds(200), SnapshotEvery: 5, JournalBackend.Sqlite, ConnectionString: "");
    }

    public void Dispose()
    {
        data.Dispose();
        if (Directory.Exists(home))
            Directory.Delete(home, recursive: true);
    }
}
