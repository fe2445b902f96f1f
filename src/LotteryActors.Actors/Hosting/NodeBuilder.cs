using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Actors.Hosting;

/// <summary>
/// The one way this process becomes a training node, for a search, a single ticket, the bench and the analysis
/// alike: libtorch's thread count, the configured device, the configured artifact store, and each dataset loaded
/// once and shared read-only by every runner made here. Disposing it frees the datasets and the store.
/// </summary>
public sealed class NodeBuilder : IDisposable
{
    private readonly Dictionary<DatasetSpec, DatasetSplits> datasets = [];

    /// <param name="torchThreads">libtorch's intra-op threads; null: the runtime's <c>torch-threads</c>.</param>
    public NodeBuilder(RuntimeSettings runtime, int? torchThreads = null)
    {
        Runtime = runtime;
        // libtorch's intra-op pool is process-wide: with a trainer per core, one thread each is what pays, and a
        // CPU run is reproducible bit for bit only at the thread count it was made with.
        set_num_threads(torchThreads ?? runtime.TorchThreads);
        Device = new Device(runtime.Device);
        Store = ArtifactBackends.Open(runtime);
    }

    public RuntimeSettings Runtime { get; }

    public Device Device { get; }

    public ArtifactStore Store { get; }

    /// <summary>The dataset on this node's device, loaded on first use and shared afterwards.</summary>
    public DatasetSplits Dataset(DatasetSpec spec)
    {
        lock (datasets)
        {
            if (!datasets.TryGetValue(spec, out var data))
                datasets[spec] = data = DatasetLoader.Load(spec, Device);
            return data;
        }
    }

    public ImpRunner Runner(SearchSpec spec) => new(spec, Dataset(spec.Dataset), Store);

    /// <summary>A runner for a journaled search, refused when this node's dataset is not the one it recorded.
    /// </summary>
    /// <exception cref="DatasetMismatchException">The fingerprints differ.</exception>
    public ImpRunner Runner(SearchState state)
    {
        var runner = Runner(state.Spec!);
        return state.DatasetMismatch(runner.Data.Fingerprint, state.Spec!.Dataset.Path) is { } mismatch
            ? throw new DatasetMismatchException(mismatch)
            : runner;
    }

    public void Dispose()
    {
        lock (datasets)
        {
            foreach (var data in datasets.Values)
                data.Dispose();
            datasets.Clear();
        }
        Store.Dispose();
    }
}
