using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Tickets;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Tests.Support;

/// <summary>
/// A real training node on the synthetic dataset: real trainers, real artifacts in a temp folder, seconds per search.
/// </summary>
public sealed class TinyNode : IDisposable
{
    private readonly DatasetSplits data = SyntheticData.Splits();

    public TinyNode(SearchSpec? spec = null, int slots = 2, int maxRestarts = 2)
    {
        // As in production: one libtorch thread per trainer is what makes runs bitwise reproducible.
        TorchSharp.torch.set_num_threads(1);
        Spec = spec ?? SyntheticSpec.Search() with { TicketsPerWidth = 2 };
        Home = Path.Combine(Path.GetTempPath(), $"lottery-actors-{Guid.NewGuid():N}");
        Runtime = new RuntimeSettings(Home, Path.Combine(Home, "artifacts"), slots, TorchThreads: 1, "cpu", ChunkIterations: 7,
            MaxRestarts: maxRestarts, MinBackoff: TimeSpan.FromMilliseconds(50), MaxBackoff: TimeSpan.FromMilliseconds(200),
            SnapshotEvery: 5, JournalBackend.Sqlite, ConnectionString: "");
        Node = new TrainingNode(new ImpRunner(Spec, data, new ArtifactStore(Runtime.ArtifactsDirectory)), Runtime);
    }

    public SearchSpec Spec { get; }

    public string Home { get; }

    public RuntimeSettings Runtime { get; }

    public TrainingNode Node { get; }

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(Home, recursive: true);
    }
}
