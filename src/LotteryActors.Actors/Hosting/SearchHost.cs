using Akka.Actor;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Observability;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tickets;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Hosting;

/// <summary>
/// Runs one search on this node: takes the search's lock, checks the journal, builds the node, starts the
/// actor system with the journal, and waits for the search's outcome: its final state, or the fault that halted it.
/// </summary>
public static class SearchHost
{
    /// <summary>Akka settings every node shares: the journal serializer, the trainer dispatcher, the journal.</summary>
    public static Config AkkaConfig(RuntimeSettings runtime, Config? overrides = null)
    {
        var config = ConfigurationFactory.ParseString(string.Join('\n',
            SearchJournalSerializer.Hocon, TrainingNode.DispatcherHocon, JournalHocon.For(runtime)))
            .WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration);
        return overrides is null ? config : overrides.WithFallback(config);
    }

    /// <param name="retryFailed">Reopen the tickets journaled as failed before going on (--retry-failed).</param>
    /// <exception cref="SearchHaltedException">The search stopped before it completed; the fault says why.</exception>
    public static async Task<SearchState> RunAsync(SearchSpec spec, RuntimeSettings runtime, Config? akkaOverrides,
        Action<ActorSystem>? onStarted = null, CancellationToken cancellation = default, bool retryFailed = false)
    {
        Directory.CreateDirectory(runtime.Home);
        using var searchLock = SearchLock.Acquire(runtime.Home, spec.SearchId);
        // After the lock (the same search run twice is "busy", exit 3), before the journal and the datasets: a
        // metrics port that another search holds is refused at once, with nothing journaled.
        using var metrics = NodeMetrics.Serve(runtime.Metrics);
        JournalFile.EnsureReadable(runtime);
        using var builder = new NodeBuilder(runtime);
        return await RunAsync(builder.Node(spec), akkaOverrides, onStarted, cancellation, retryFailed);
    }

    /// <summary>
    /// Runs the node's search in a new actor system until it finishes, halts, or <paramref name="cancellation"/> fires.
    /// </summary>
    public static async Task<SearchState> RunAsync(TrainingNode node, Config? akkaOverrides,
        Action<ActorSystem>? onStarted = null, CancellationToken cancellation = default, bool retryFailed = false)
    {
        using var system = ActorSystem.Create("lottery", AkkaConfig(node.Runtime, akkaOverrides));
        try
        {
            onStarted?.Invoke(system);
            return await Start(system, node, retryFailed).WaitAsync(cancellation);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>
    /// Starts the node's search under a <see cref="SearchRun"/> in <paramref name="system"/>; the task completes
    /// with the search's state or fails with a <see cref="SearchHaltedException"/>, never waiting on nobody.
    /// </summary>
    public static Task<SearchState> Start(IActorRefFactory system, TrainingNode node, bool retryFailed = false)
    {
        var outcome = new TaskCompletionSource<SearchState>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(SearchRun.Props(node, outcome, retryFailed), "run");
        return outcome.Task;
    }
}
