using Akka.Actor;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tickets;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Actors.Hosting;

/// <summary>
/// Runs one search to completion on this node: takes the search's lock, loads the dataset once, starts the actor
/// system with the journal, and waits for the coordinator to report the search finished.
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

    public static async Task<SearchState> RunAsync(SearchSpec spec, RuntimeSettings runtime, Config? akkaOverrides,
        Action<ActorSystem>? onStarted = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(runtime.Home);
        using var searchLock = SearchLock.Acquire(runtime.Home, spec.SearchId);
        // libtorch's intra-op pool is process-wide: with a trainer per core, one thread each is what pays.
        set_num_threads(runtime.TorchThreads);
        var device = new Device(runtime.Device);
        using var data = DatasetLoader.Load(spec.Dataset, device);
        var node = new TrainingNode(new ImpRunner(spec, data, new ArtifactStore(runtime.ArtifactsDirectory), device), runtime);
        return await RunAsync(node, akkaOverrides, onStarted, cancellation);
    }

    /// <summary>Runs the node's search in a new actor system until it finishes or <paramref name="cancellation"/> fires.</summary>
    public static async Task<SearchState> RunAsync(TrainingNode node, Config? akkaOverrides,
        Action<ActorSystem>? onStarted = null, CancellationToken cancellation = default)
    {
        using var system = ActorSystem.Create("lottery", AkkaConfig(node.Runtime, akkaOverrides));
        try
        {
            onStarted?.Invoke(system);
            var outcome = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            var listener = system.ActorOf(Props.Create(() => new OutcomeListener(outcome)), "outcome");
            var spec = node.Runner.Spec;
            var coordinator = system.ActorOf(SearchCoordinator.Props(spec, node, listener), $"search-{spec.SearchId}");
            listener.Tell(new OutcomeListener.WatchCoordinator(coordinator));
            await using var registration = cancellation.Register(() => outcome.TrySetCanceled(cancellation));
            return ((SearchMessages.SearchFinished)await outcome.Task).State;
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Completes the host's task when the search finishes, or fails it if the coordinator dies first.</summary>
    private sealed class OutcomeListener : ReceiveActor
    {
        public sealed record WatchCoordinator(IActorRef Coordinator);

        public OutcomeListener(TaskCompletionSource<object> outcome)
        {
            Receive<WatchCoordinator>(watch => Context.Watch(watch.Coordinator));
            // Block bodies: a handler returning bool would be read as "handled or not", and TrySet* returns false once set.
            Receive<SearchMessages.SearchFinished>(finished => { outcome.TrySetResult(finished); });
            Receive<Terminated>(_ => { outcome.TrySetException(
                new InvalidOperationException("the search coordinator stopped before the search finished; see the log")); });
        }
    }
}
