using Akka.Actor;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using Microsoft.Data.Sqlite;

namespace LotteryActors.Cluster.Tests.Hosting;

/// <summary>
/// How a search run as a one-node cluster in one process (<c>lottery search</c>: the cluster's coordinator, work
/// units and workers, on the SQLite journal of a single node, no port) ends when a node alone cannot hand its work
/// to another: the faults that halt it, its progress on the event stream, and retrying its failed tickets.
/// <see cref="JournalBackendTests"/> runs it to its end and resumes it on each journal backend.
/// </summary>
public sealed class OneNodeSearchTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly string home = Path.Combine(Path.GetTempPath(), $"lottery-one-node-{Guid.NewGuid():N}");

    private static readonly SearchSpec Spec = SyntheticSpec.Search() with { TicketsPerWidth = 2, InitsPerWidth = 2 };

    public OneNodeSearchTests() => TorchSharp.torch.set_num_threads(1);

    /// <summary>
    /// A node alone has no other node to leave a failing unit to: a unit given back for a machine fault (here every
    /// unit's runner throws an I/O error) is retried max-restarts times, then the search stops with that fault, in
    /// seconds, and nothing is journaled as a ticket's fate.
    /// </summary>
    [Fact]
    public async Task A_unit_failing_for_the_machine_stops_the_search_after_max_restarts_give_backs()
    {
        var runtime = Runtime("disk");
        using var store = new ArtifactStore(runtime.ArtifactsDirectory);
        var calls = 0;
        RunnerSource failing = s => Interlocked.Increment(ref calls) == 1
            ? new ImpRunner(s, data, store)
            : throw new IOException("No space left on device: /somewhere");
        var givenBack = new List<WorkPuller.UnitGivenBack>();

        var halted = await Assert.ThrowsAsync<SearchHaltedException>(() => OneNodeSearch.RunAsync(Spec, runtime,
            failing, OneNodeSearch.Timing(runtime),
            onStarted: system => Follow<WorkPuller.UnitGivenBack>(system, givenBack)).WaitAsync(Halting));

        Assert.Equal(FaultKind.Environmental, halted.Fault.Kind);
        Assert.Contains("No space left on device", halted.Fault.Cause);
        var journal = JournalFile.PathIn(runtime.Home);
        Assert.Equal(0, JournalRows.Count(journal, "WorkFailed.v1"));
        lock (givenBack)
            Assert.Equal(runtime.MaxRestarts + 1, givenBack.GroupBy(g => g.WorkId).Max(g => g.Count()));
    }

    /// <summary>A journal the coordinator cannot open (a folder where the database should be) stops the search
    /// with the cause in one line, instead of the cluster's back-off supervisor starting the coordinator again for
    /// ever.</summary>
    [Fact]
    public async Task A_journal_the_coordinator_cannot_open_stops_the_search_naming_it()
    {
        var runtime = Runtime("unopenable");
        using var store = new ArtifactStore(runtime.ArtifactsDirectory);
        Directory.CreateDirectory(JournalFile.PathIn(runtime.Home));

        var halted = await Assert.ThrowsAsync<SearchHaltedException>(() => OneNode(runtime, store, Halting));

        Assert.Equal(FaultKind.Environmental, halted.Fault.Kind);
        Assert.Contains("could not read", halted.Fault.Cause);
        Assert.Contains(WorkCoordinator.PersistenceIdFor(Spec.SearchId), halted.Fault.Cause);
    }

    /// <summary>The console's progress view follows the event stream: each training run's iterations as it
    /// trains, and the journaled count as it grows.</summary>
    [Fact]
    public async Task Progress_of_every_run_and_the_journaled_count_are_published_on_the_event_stream()
    {
        var runtime = Runtime("progress");
        using var store = new ArtifactStore(runtime.ArtifactsDirectory);
        var progressed = new List<ProgressMessages.RunProgressed>();
        var journaled = new List<ProgressMessages.RunsJournaled>();

        var state = await OneNodeSearch.RunAsync(Spec, runtime, s => new ImpRunner(s, data, store), Lab.Timing,
            onStarted: system =>
            {
                Follow<ProgressMessages.RunProgressed>(system, progressed);
                Follow<ProgressMessages.RunsJournaled>(system, journaled);
            }).WaitAsync(Patience);

        var (done, total) = state.Progress();
        Assert.Equal(total, done);
        // The last count may still be in the collector's mailbox when the process's actor system stops.
        lock (journaled)
        {
            Assert.NotEmpty(journaled);
            Assert.All(journaled, j => Assert.Equal((Spec.SearchId, total), (j.SearchId, j.Total)));
            Assert.Equal(journaled.Select(j => j.Done).Order(), journaled.Select(j => j.Done));
            Assert.InRange(journaled[^1].Done, 1, total);
        }
        lock (progressed)
        {
            Assert.Equal(total, progressed.Select(p => p.Unit).Distinct().Count());
            Assert.All(progressed, p => Assert.InRange(p.Iteration, 1, p.TotalIterations));
            // Each run says when it is trained (the view stops counting it as running); as above, the last run's
            // word may be lost as the system stops.
            Assert.InRange(progressed.Where(p => p.Iteration == p.TotalIterations).Select(p => p.Unit).Distinct()
                .Count(), total - 1, total);
        }
    }

    /// <summary>--retry-failed on the one path: a completed search whose tickets diverged runs them again (each
    /// journaled once more as diverged here), and is not taken for finished before they ran.</summary>
    [Fact]
    public async Task Retrying_failed_tickets_runs_them_again_before_the_search_ends()
    {
        var spec = SyntheticSpec.Search() with { Training = SyntheticSpec.Recipe(learningRate: 1e30) };
        var runtime = Runtime("retry");
        using var store = new ArtifactStore(runtime.ArtifactsDirectory);
        // The dataset takes a moment to load, as a real one does, while the completed search is already known.
        Task<SearchState> Run(bool retryFailed) => OneNodeSearch.RunAsync(spec, runtime, s =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(1));
            return new ImpRunner(s, data, store);
        }, Lab.Timing, retryFailed: retryFailed).WaitAsync(Patience);
        var journal = JournalFile.PathIn(runtime.Home);

        var diverged = await Run(retryFailed: false);
        var failedFirst = JournalRows.CountOutputs(journal, "Failure");
        var retried = await Run(retryFailed: true);

        Assert.True(diverged.Completed);
        Assert.Equal(spec.Tickets().Count, failedFirst);
        Assert.True(retried.Completed);
        Assert.Equal(1, JournalRows.Count(journal, "TicketsRetried.v1"));
        Assert.Equal(2 * failedFirst, JournalRows.CountOutputs(journal, "Failure"));
    }

    private static readonly TimeSpan Halting = TimeSpan.FromSeconds(90);

    /// <summary>Collects what <paramref name="system"/>'s event stream publishes of <typeparamref name="T"/>.
    /// </summary>
    private static void Follow<T>(ActorSystem system, List<T> into) =>
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new Collector<T>(into))), typeof(T));

    private sealed class Collector<T> : ReceiveActor
    {
        public Collector(List<T> into) => Receive<T>(m =>
        {
            lock (into)
                into.Add(m);
        });
    }

    /// <summary><see cref="Spec"/> on a one-node cluster in this process.</summary>
    private Task<SearchState> OneNode(RuntimeSettings runtime, ArtifactStore store, TimeSpan? limit = null) =>
        OneNodeSearch.RunAsync(Spec, runtime, s => new ImpRunner(s, data, store), Lab.Timing)
            .WaitAsync(limit ?? Patience);

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
