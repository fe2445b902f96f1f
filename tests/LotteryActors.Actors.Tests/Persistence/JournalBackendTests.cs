using Akka.Actor;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Actors.Tickets;
using LotteryActors.Training.Data;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Imp;
using Microsoft.Data.Sqlite;
using static LotteryActors.Actors.Protocol.TicketMessages;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// One suite, every journal backend (as Akka.Persistence.Sql tests its providers): real searches on synthetic
/// data through <see cref="SearchHost"/>, journaled in the backend's database, stopped and resumed, read back, and
/// refused on another copy of the dataset. Each subclass names a backend; PostgreSQL also keeps the artifacts.
/// </summary>
public abstract class JournalBackendTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly TinyNode tiny = new();
    private readonly List<IDisposable> owned = [];

    /// <param name="backend">Turns the tiny node's settings (SQLite, artifact directory) into this backend's.</param>
    protected JournalBackendTests(Func<RuntimeSettings, RuntimeSettings> backend) => Runtime = backend(tiny.Runtime);

    /// <summary>The tiny node's settings with this backend's journal (and artifact store).</summary>
    protected RuntimeSettings Runtime { get; }

    /// <summary>Rows with this manifest in the backend's journal table.</summary>
    protected abstract long Count(string manifest);

    /// <summary>Deletes the journal rows with this manifest and every snapshot, behind Akka's back.</summary>
    protected abstract void Forget(string manifest);

    public void Dispose()
    {
        owned.ForEach(o => o.Dispose());
        tiny.Dispose();
    }

    /// <summary>A node on <paramref name="data"/> (the tiny node's by default) with this backend's settings.</summary>
    private TrainingNode Node(DatasetSplits? data = null, string cache = "artifacts")
    {
        var runtime = Runtime with { ArtifactsDirectory = Path.Combine(Runtime.Home, cache) };
        var store = ArtifactBackends.Open(runtime);
        owned.Add(store);
        return new TrainingNode(new ImpRunner(tiny.Spec, data ?? tiny.Node.Runner.Data, store), runtime);
    }

    private static SortedDictionary<string, string> Runs(SearchState state) => new(state.Tickets.Values
        .SelectMany(t => t.Runs)
        .ToDictionary(r => r.Unit.ToString(), r => $"{r.WeightsHash} {r.Unit.MaskHash} {r.Metrics}"));

    [Fact]
    public async Task A_search_journals_every_run_once_and_the_journal_reads_back_as_it_ended()
    {
        var node = Node();
        var finished = await SearchHost.RunAsync(node, null).WaitAsync(Patience);

        Assert.True(finished.Completed);
        Assert.Equal(finished.Progress().Total, Count("RoundCompleted.v2"));
        Assert.Equal(1, Count("SearchStarted.v1"));
        Assert.Equal(1, Count("DatasetRecorded.v1"));
        Assert.Equal(1, Count("SetupRecorded.v1"));
        await using var reader = new SearchJournalReader(node.Runtime);
        var read = await reader.ReadAsync(tiny.Spec.SearchId);
        Assert.Equal(Runs(finished), Runs(read));
        Assert.Equal(node.Runner.Data.Fingerprint, read.DatasetFingerprint);
        Assert.Equal(finished.Ensemble!.Levels, read.Ensemble!.Levels);
    }

    [Fact]
    public async Task A_search_stopped_mid_way_resumes_on_a_fresh_node_and_ends_as_an_uninterrupted_one_does()
    {
        using var reference = new TinyNode();
        var uninterrupted = await SearchHost.RunAsync(reference.Node, null).WaitAsync(Patience);

        using var secondRound = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SearchHost.RunAsync(Node(), null,
            system => OnProgress(system, p => { if (p.Unit.Round > 0) secondRound.Cancel(); }),
            secondRound.Token).WaitAsync(Patience));
        var journaled = Count("RoundCompleted.v2");
        Assert.InRange(journaled, 1, uninterrupted.Progress().Total - 1);

        // With PostgreSQL, a fresh cache: every artifact the resumed node reads comes from the database.
        var cache = Runtime.ArtifactBackend == ArtifactBackendKind.Postgresql ? "fresh-cache" : "artifacts";
        var resumed = await SearchHost.RunAsync(Node(cache: cache), null).WaitAsync(Patience);

        Assert.Equal(Runs(uninterrupted), Runs(resumed));
        Assert.Equal(uninterrupted.Ensemble!.Levels, resumed.Ensemble!.Levels);
        Assert.Equal(uninterrupted.Progress().Total, Count("RoundCompleted.v2"));
        Assert.Equal(1, Count("SearchCompleted.v1"));
    }

    [Fact]
    public async Task A_resume_with_another_engine_journals_the_new_setup_before_its_first_run()
    {
        using var secondRound = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SearchHost.RunAsync(Node(), null,
            system => OnProgress(system, p => { if (p.Unit.Round > 0) secondRound.Cancel(); }),
            secondRound.Token).WaitAsync(Patience));
        var separate = Node();
        var stacked = separate with
        {
            Runtime = separate.Runtime with { Engine = separate.Runtime.Engine with { Kind = EngineKind.Stacked } },
        };

        var resumed = await SearchHost.RunAsync(stacked, null).WaitAsync(Patience);

        Assert.True(resumed.Completed);
        Assert.Equal(2, Count("SetupRecorded.v1"));
        Assert.Equal(
            new TrainingSetup("cpu", "stacked", stacked.Runtime.Engine.StackSize, stacked.Runtime.TorchThreads),
            resumed.Setup);
        Assert.Equal(new TrainingSetup("cpu", "separate", null, separate.Runtime.TorchThreads), separate.Setup);
        await SearchHost.RunAsync(stacked, null).WaitAsync(Patience);
        Assert.Equal(2, Count("SetupRecorded.v1"));
    }

    [Fact]
    public async Task Another_copy_of_the_dataset_is_refused_in_one_line_and_journals_nothing()
    {
        await SearchHost.RunAsync(Node(), null).WaitAsync(Patience);
        var events = Count("RoundCompleted.v2");
        using var otherCopy = SyntheticData.Splits(seed: 12);

        var halted = await Assert.ThrowsAsync<SearchHaltedException>(() =>
            SearchHost.RunAsync(Node(otherCopy), null).WaitAsync(Patience));

        Assert.Equal(FaultKind.WrongDataset, halted.Fault.Kind);
        Assert.Equal(tiny.Node.Runner.Data.Fingerprint[..12],
            halted.Fault.Cause.Split("fingerprint is ")[1][..12]);
        Assert.Contains(otherCopy.Fingerprint[..12], halted.Fault.Cause);
        Assert.DoesNotContain('\n', halted.Fault.Cause);
        Assert.Equal(events, Count("RoundCompleted.v2"));
        Assert.Equal(1, Count("DatasetRecorded.v1"));
    }

    [Fact]
    public async Task A_journal_from_before_fingerprints_adopts_the_first_copy_it_resumes_on_then_holds_to_it()
    {
        var node = Node();
        var finished = await SearchHost.RunAsync(node, null).WaitAsync(Patience);
        Forget("DatasetRecorded.v1");

        var resumed = await SearchHost.RunAsync(node, null).WaitAsync(Patience);

        Assert.Equal(Runs(finished), Runs(resumed));
        Assert.Equal(1, Count("DatasetRecorded.v1"));
        using var otherCopy = SyntheticData.Splits(seed: 12);
        var halted = await Assert.ThrowsAsync<SearchHaltedException>(() =>
            SearchHost.RunAsync(Node(otherCopy), null).WaitAsync(Patience));
        Assert.Equal(FaultKind.WrongDataset, halted.Fault.Kind);
    }

    private static void OnProgress(ActorSystem system, Action<RunProgressed> onProgress) =>
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new ProgressWatcher(onProgress))),
            typeof(RunProgressed));

    private sealed class ProgressWatcher : ReceiveActor
    {
        public ProgressWatcher(Action<RunProgressed> onProgress) => Receive(onProgress);
    }
}

/// <summary>The suite on the embedded SQLite journal and the artifact directory: the single-machine default.</summary>
public sealed class SqliteJournalBackendTests() : JournalBackendTests(runtime => runtime)
{
    private string Journal => JournalFile.PathIn(Runtime.Home);

    protected override long Count(string manifest) => File.Exists(Journal) ? JournalRows.Count(Journal, manifest) : 0;

    protected override void Forget(string manifest)
    {
        using var connection = new SqliteConnection($"Data Source={Journal};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM journal WHERE manifest = $manifest; DELETE FROM snapshot;";
        command.Parameters.AddWithValue("$manifest", manifest);
        command.ExecuteNonQuery();
    }
}

/// <summary>The suite on PostgreSQL for the journal and the artifacts, one server for the class, a database each.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class PostgresJournalBackendTests(SharedPostgres postgres)
    : JournalBackendTests(runtime => runtime with
    {
        Journal = JournalBackend.Postgresql,
        ConnectionString = postgres.NewDatabase(),
        ArtifactBackend = ArtifactBackendKind.Postgresql,
    }), IClassFixture<SharedPostgres>
{
    protected override long Count(string manifest) =>
        (long)Execute("SELECT COUNT(*) FROM journal WHERE manifest = $1", manifest)!;

    protected override void Forget(string manifest)
    {
        Execute("DELETE FROM journal WHERE manifest = $1", manifest);
        Execute("DELETE FROM snapshot");
    }

    private object? Execute(string sql, params object[] values) =>
        SharedPostgres.Execute(Runtime.ConnectionString, sql, values);
}
