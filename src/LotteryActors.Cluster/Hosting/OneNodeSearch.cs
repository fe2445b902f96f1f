using Akka.Actor;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Observability;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Hosting;

/// <summary>
/// A search as a one-node cluster in one process: the cluster's own coordinator, work units and workers, with the
/// node as its only member (<see cref="LocalMembership"/>) and no remoting, no singleton, no port. The coordinator
/// is keyed by the search (<see cref="WorkCoordinator.PersistenceIdFor"/>) on the runtime's journal, so it never
/// shares a writer with another search or with a cluster's coordinator in the same database. A search that
/// today's single-node engine journaled is adopted from its journal and goes on here.
/// </summary>
public static class OneNodeSearch
{
    // Longer than Akka's recovery timeout (30 s): a coordinator whose journal does not answer halts the search with
    // that cause (OneNodeRun) before any question to it times out.
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How the coordinator takes the search: submitted, unless it does not know it yet and the single-node engine
    /// journaled it before the one execution path (<see cref="SearchAdoption"/>); then it is adopted from there.
    /// </summary>
    private static async Task<object> Taking(ActorSystem system, IActorRef coordinator, SearchSpec spec,
        RuntimeSettings runtime, CancellationToken cancellation)
    {
        var known = await coordinator.Ask<SearchProgress>(new ProgressRequested(spec.SearchId), Answer, cancellation);
        if (!known.Known)
        {
            await using var reader = new SearchJournalReader(system, runtime.Home);
            if (await reader.ReadAsync(spec.SearchId) is { Started: true } old)
                return new WorkCoordinator.AdoptSearch(old);
        }
        return new SubmitSearch(CanonicalSpec.ToJson(spec));
    }

    /// <summary>
    /// <c>lottery search</c>: takes the search's lock (the same search run twice is "busy", exit 3), serves the
    /// node's metrics (a port another process holds is refused at once, with nothing journaled), checks that the
    /// journal reads, loads the dataset once for the node's workers, and runs the search to its end.
    /// </summary>
    /// <param name="onStarted">Called once the actor system runs, before the search starts: the progress view
    /// subscribes to the event stream there.</param>
    /// <param name="retryFailed">Run the tickets journaled as failed again before going on (--retry-failed).</param>
    /// <exception cref="SearchHaltedException">The search stopped before it completed; the fault says why.</exception>
    public static async Task<SearchState> RunAsync(SearchSpec spec, RuntimeSettings runtime, Config? akkaOverrides,
        Action<ActorSystem>? onStarted = null, CancellationToken cancellation = default, bool retryFailed = false)
    {
        Directory.CreateDirectory(runtime.Home);
        using var searchLock = SearchLock.Acquire(runtime.Home, spec.SearchId);
        using var metrics = NodeMetrics.Serve(runtime.Metrics);
        JournalFile.EnsureReadable(runtime);
        using var builder = new NodeBuilder(runtime);
        // The search's spec as this machine knows it: its dataset where the config says, wherever the journaled
        // spec (the same search) had it.
        return await RunAsync(spec, runtime, _ => builder.Runner(spec), Timing(runtime), akkaOverrides, onStarted,
            cancellation, retryFailed);
    }

    /// <summary>
    /// The work protocol's clocks on a node alone: leases that outlast any pause of the process's own threads (nobody
    /// else could take the unit over), renewals (which carry the runs' progress) at least as often as the progress
    /// is published (an in-process message, so cheap), no stall limit (a slow run is no reason to start it again
    /// here), and give-backs that never fail a unit nor cordon the node: the search stops after max-restarts of them
    /// instead (<see cref="OneNodeRun"/>), each retried after the runtime's backoff, doubled per give-back.
    /// </summary>
    public static WorkTiming Timing(RuntimeSettings runtime) =>
        new(LeaseTimeout: TimeSpan.FromMinutes(5), ExpiryCheck: TimeSpan.FromSeconds(10),
            RenewEvery: runtime.UnitProgressEvery > TimeSpan.Zero && runtime.UnitProgressEvery < RenewEvery
                ? runtime.UnitProgressEvery
                : RenewEvery,
            PullEvery: TimeSpan.FromSeconds(1),
            RedeliverEvery: TimeSpan.FromSeconds(1))
        {
            GiveBacks = new GiveBackRule(Nodes: 1, Total: int.MaxValue, Backoff: runtime.MinBackoff)
            {
                CordonAfter = 0,
            },
            StallTimeout = TimeSpan.Zero,
        };

    /// <summary>Runs <paramref name="spec"/> (or goes on with it, where its coordinator journaled it before) until
    /// it is complete, and returns its state as the coordinator folded it.</summary>
    /// <param name="runners">Where the node's workers find the search's runner: one dataset and store for all.
    /// </param>
    /// <exception cref="SearchHaltedException">The search stopped before it completed; the fault says why.</exception>
    public static async Task<SearchState> RunAsync(SearchSpec spec, RuntimeSettings runtime, RunnerSource runners,
        WorkTiming timing, Config? akkaOverrides = null, Action<ActorSystem>? onStarted = null,
        CancellationToken cancellation = default, bool retryFailed = false)
    {
        var own = ConfigurationFactory.ParseString(string.Join('\n', ClusterSerializer.Hocon, TrainerDispatcher.Hocon));
        using var system = ActorSystem.Create("lottery",
            JournalHocon.AkkaConfig(runtime, akkaOverrides?.WithFallback(own) ?? own));
        await using var unitProgress = UnitProgressTable.For(runtime);
        var persistenceId = WorkCoordinator.PersistenceIdFor(spec.SearchId);
        try
        {
            onStarted?.Invoke(system);
            // A process is a new node: the leases of one killed before it end when its coordinator recovers.
            var node = $"local#{Environment.ProcessId}-{Guid.NewGuid():N}";
            var outcome = new TaskCompletionSource<SearchState>(TaskCreationOptions.RunContinuationsAsynchronously);
            var coordinatorProps = WorkCoordinator.Props(timing, runtime.SnapshotEvery,
                membership: new LocalMembership(node), persistenceId: persistenceId,
                publishing: new UnitProgressPublishing(unitProgress, runtime.UnitProgressEvery));
            var coordinator = system.ActorOf(
                OneNodeRun.Props(coordinatorProps, spec.SearchId, runtime, outcome, PollEvery), "run");
            async Task<T> Answered<T>(Task<T> answer)
            {
                // A coordinator that cannot read its journal never answers: its halt is the answer then.
                await Task.WhenAny(answer, outcome.Task);
                if (outcome.Task.IsFaulted)
                    await outcome.Task;
                return await answer;
            }
            // The dataset loads while the coordinator recovers and takes the search; a bad one still stops the
            // search before any unit runs.
            var runner = Task.Run(() => runners(spec), cancellation);
            await Answered(Take(system, coordinator, spec, runtime, cancellation));
            var taken = await Answered(coordinator.Ask<SearchState>(
                new WorkCoordinator.SearchRequested(spec.SearchId), Answer, cancellation));
            CheckDataset(taken, await runner);
            if (retryFailed)
                await Answered(coordinator.Ask<FailedTicketsRetried>(new RetryFailedTickets(spec.SearchId), Answer,
                    cancellation));
            system.ActorOf(WorkPuller.Props(coordinator, node, runtime, runners, timing), "puller");
            coordinator.Tell(OneNodeRun.Follow.Instance);
            return await outcome.Task.WaitAsync(cancellation);
        }
        finally
        {
            await system.Terminate();
            if (runtime.UnitProgressEvery > TimeSpan.Zero)
                await ClearUnitProgress(unitProgress, persistenceId);
        }
    }

    /// <summary>
    /// The search runs no unit any more, whether it completed or stopped: its published progress goes at once rather
    /// than when it grows stale. Best effort (the rows go stale anyway), so a database that does not answer costs
    /// this process at most the table's command timeout, and a warning.
    /// </summary>
    private static async Task ClearUnitProgress(UnitProgressTable table, string persistenceId)
    {
        try
        {
            await table.ClearAsync(persistenceId);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or IOException)
        {
            // The actor system, and its logging, has stopped.
            Serilog.Log.Warning("could not clear the search's published progress ({Cause}); it is stale in a few " +
                                "seconds", e.Message);
        }
    }

    private static async Task<SearchAccepted> Take(ActorSystem system, IActorRef coordinator, SearchSpec spec,
        RuntimeSettings runtime, CancellationToken cancellation) =>
        await coordinator.Ask<SearchAccepted>(await Taking(system, coordinator, spec, runtime, cancellation),
            Answer, cancellation);

    /// <summary>Another copy of the dataset than the one the search recorded stops it before anything runs: on a
    /// node alone no other node could run its units.</summary>
    private static void CheckDataset(SearchState search, ImpRunner runner)
    {
        if (search.DatasetMismatch(runner.Data.Fingerprint, runner.Spec.Dataset.Path) is { } mismatch)
            throw new SearchHaltedException(new SearchFault(FaultKind.WrongDataset, mismatch));
    }
}
