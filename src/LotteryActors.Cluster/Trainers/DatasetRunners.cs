using LotteryActors.Actors.Configuration;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Cluster.Trainers;

/// <summary>
/// A trainer node's runners: each dataset loaded once from this node's own path on the configured device and
/// shared read-only by every unit that uses it, and one artifact store. Workers ask from their own threads.
/// </summary>
public sealed class DatasetRunners(RuntimeSettings runtime) : IDisposable
{
    private readonly Dictionary<DatasetSpec, DatasetSplits> loaded = [];
    private readonly ArtifactStore store = new(runtime.ArtifactsDirectory);
    private readonly Device device = new(runtime.Device);

    public ImpRunner For(SearchSpec spec)
    {
        lock (loaded)
        {
            if (!loaded.TryGetValue(spec.Dataset, out var data))
                loaded[spec.Dataset] = data = DatasetLoader.Load(spec.Dataset, device);
            return new ImpRunner(spec, data, store, device);
        }
    }

    public void Dispose()
    {
        lock (loaded)
        {
            foreach (var data in loaded.Values)
                data.Dispose();
            loaded.Clear();
        }
    }
}
