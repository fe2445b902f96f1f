using System.Data.Common;
using Akka.Actor;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LotteryActors.Cluster.Tests.Hosting;

/// <summary>
/// One suite, every journal backend (as Akka.Persistence.Sql tests its providers): real searches on synthetic data
/// run as <c>lottery search</c> runs them (<see cref="OneNodeSearch"/>), journaled in the backend's database only by
/// the search's own coordinator, stopped and resumed on a fresh node, read back, and refused on another copy of the
/// dataset. Each subclass names a backend; PostgreSQL also keeps the artifacts.
/// </summary>
public abstract class JournalBackendTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    // Two inits per width: the protocol a fair comparison needs runs on the path every search takes.
    private static readonly SearchSpec Spec = SyntheticSpec.Search() with { InitsPerWidth = 2 };

    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly List<IDisposable> owned = [];

    protected JournalBackendTests(Func<RuntimeSettings, RuntimeSettings> backend)
    {
        TorchSharp.torch.set_num_threads(1);
        Home = Path.Combine(Path.GetTempPath(), $"lottery-backend-{Guid.NewGuid():N}");
        Runtime = backend(new RuntimeSettings(Home, Path.Combine(Home, "artifacts"), Slots: 2, TorchThreads: 1, "cpu",
            ChunkIterations: 7, MaxRestarts: 2, MinBackoff: TimeSpan.FromMilliseconds(50),
            MaxBackoff: TimeSpan.FromMilliseconds(200), SnapshotEvery: 5, JournalBackend.Sqlite,
            ConnectionString: ""));
    }

    private string Home { get; }

    /// <summary>The suite's node settings with this backend's journal (and artifact store).</summary>
    protected RuntimeSettings Runtime { get; }

    /// <summary>A connection to the backend's journal database, for reading its rows behind Akka's back.</summary>
    protected abstract DbConnection Connect();

    public void Dispose()
    {
        owned.ForEach(o => o.Dispose());
        data.Dispose();
        if (Directory.Exists(Home))
            Directory.Delete(Home, recursive: true);
    }

    [Fact]
    public async Task A_search_journals_every_run_once_through_its_own_coordinator_and_reads_back_as_it_ended()
    {
        var finished = await Search(Runtime);

        Assert.True(finished.Completed);
        Assert.Equal(finished.Progress().Total, Runs());
        Assert.Equal(1, Rows("SearchSubmitted.v2"));
        Assert.Equal(0, Rows("SearchStarted.v1"));
        Assert.Equal([WorkCoordinator.PersistenceIdFor(Spec.SearchId)], Writers());
        await using var reader = new JournaledSearches(Runtime);
        var read = await reader.ReadAsync(Spec.SearchId);
        Assert.Equal(RunsOf(finished), RunsOf(read));
        Assert.Equal(data.Fingerprint, read.DatasetFingerprint);
        Assert.NotEmpty(finished.Ensemble!.Levels);
        Assert.Equal(finished.Ensemble.Levels, read.Ensemble!.Levels);
    }

    [Fact]
    public async Task A_search_stopped_mid_way_resumes_on_a_fresh_node_and_ends_as_an_uninterrupted_one_does()
    {
        var reference = Runtime with
        {
            Home = Path.Combine(Home, "reference"), ArtifactsDirectory = Path.Combine(Home, "reference", "artifacts"),
            Journal = JournalBackend.Sqlite, ArtifactBackend = ArtifactBackendKind.Directory,
        };
        var uninterrupted = await Search(reference);

        using var secondRound = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Search(Runtime,
            system => OnProgress(system, p => { if (p.Unit.Round > 0) secondRound.Cancel(); }), secondRound.Token));
        Assert.InRange(Runs(), 1, uninterrupted.Progress().Total - 1);

        // With PostgreSQL, a fresh cache: every artifact the resumed node reads comes from the database.
        var fresh = Runtime.ArtifactBackend == ArtifactBackendKind.Postgresql
            ? Runtime with { ArtifactsDirectory = Path.Combine(Home, "fresh-cache") }
            : Runtime;
        var resumed = await Search(fresh);

        Assert.Equal(RunsOf(uninterrupted), RunsOf(resumed));
        Assert.Equal(uninterrupted.Ensemble!.Levels, resumed.Ensemble!.Levels);
        Assert.Equal(uninterrupted.Progress().Total, Runs());
    }

    [Fact]
    public async Task Another_copy_of_the_dataset_is_refused_in_one_line_and_journals_nothing()
    {
        await Search(Runtime);
        var runs = Runs();
        var rows = Rows(LotteryActors.TestSupport.JournalRows.UnitCompleted);
        using var otherCopy = SyntheticData.Splits(seed: 12);

        var halted = await Assert.ThrowsAsync<SearchHaltedException>(() => Search(Runtime, copy: otherCopy));

        Assert.Equal(FaultKind.WrongDataset, halted.Fault.Kind);
        Assert.Contains(data.Fingerprint[..12], halted.Fault.Cause);
        Assert.Contains(otherCopy.Fingerprint[..12], halted.Fault.Cause);
        Assert.DoesNotContain('\n', halted.Fault.Cause);
        Assert.Equal(runs, Runs());
        Assert.Equal(rows, Rows(LotteryActors.TestSupport.JournalRows.UnitCompleted));
    }

    /// <summary><see cref="Spec"/> on <paramref name="runtime"/>'s backends, with the dataset
    /// <paramref name="copy"/> (the suite's by default).</summary>
    private Task<SearchState> Search(RuntimeSettings runtime, Action<ActorSystem>? onStarted = null,
        CancellationToken cancel = default, DatasetSplits? copy = null)
    {
        var store = ArtifactBackends.Open(runtime);
        owned.Add(store);
        return OneNodeSearch.RunAsync(Spec, runtime, s => new ImpRunner(s, copy ?? data, store), Lab.Timing,
            onStarted: onStarted, cancellation: cancel).WaitAsync(Patience);
    }

    private static SortedDictionary<string, string> RunsOf(SearchState state) => new(state.Tickets.Values
        .SelectMany(t => t.Runs)
        .ToDictionary(r => r.Unit.ToString(), r => $"{r.WeightsHash} {r.Unit.MaskHash} {r.Metrics}"));

    /// <summary>Runs journaled: completed units whose output is a trained run.</summary>
    private long Runs()
    {
        using var connection = Connect();
        return LotteryActors.TestSupport.JournalRows.Outputs(connection, "Run").Count;
    }

    private long Rows(string manifest)
    {
        using var connection = Connect();
        return LotteryActors.TestSupport.JournalRows.Count(connection, manifest);
    }

    /// <summary>Every persistence id that wrote to the journal.</summary>
    private List<string> Writers()
    {
        using var connection = Connect();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT DISTINCT persistence_id FROM journal";
        using var reader = query.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
            ids.Add(reader.GetString(0));
        return ids;
    }

    private static void OnProgress(ActorSystem system, Action<ProgressMessages.RunProgressed> onProgress) =>
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new ProgressWatcher(onProgress))),
            typeof(ProgressMessages.RunProgressed));

    private sealed class ProgressWatcher : ReceiveActor
    {
        public ProgressWatcher(Action<ProgressMessages.RunProgressed> onProgress) => Receive(onProgress);
    }
}

/// <summary>The suite on the embedded SQLite journal and the artifact directory: the single-machine default.</summary>
public sealed class SqliteJournalBackendTests() : JournalBackendTests(runtime => runtime)
{
    protected override DbConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={JournalFile.PathIn(Runtime.Home)};Mode=ReadOnly;" +
                                              "Pooling=False");
        connection.Open();
        return connection;
    }
}

/// <summary>The suite on PostgreSQL for the journal and the artifacts, one server for the class, a database each.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class PostgresJournalBackendTests(PostgresServer postgres)
    : JournalBackendTests(runtime => runtime with
    {
        Journal = JournalBackend.Postgresql,
        ConnectionString = postgres.Server.NewDatabase(),
        ArtifactBackend = ArtifactBackendKind.Postgresql,
    }), IClassFixture<PostgresServer>
{
    protected override DbConnection Connect()
    {
        var connection = new NpgsqlConnection(Runtime.ConnectionString);
        connection.Open();
        return connection;
    }
}
