using Akka.TestKit.Xunit2;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Tests.Support;

/// <summary>
/// A TestKit whose actors train the synthetic dataset for real, on the trainers' pinned dispatcher and one torch
/// thread (so bits compare across tests), with an artifact store in a temporary home deleted afterwards.
/// </summary>
public abstract class SyntheticTrainerKit : TestKit
{
    protected SyntheticTrainerKit(SearchSpec spec) : base(TrainerDispatcher.Hocon)
    {
        TorchSharp.torch.set_num_threads(1);
        Runner = new ImpRunner(spec, Data, new ArtifactStore(Home));
    }

    protected DatasetSplits Data { get; } = SyntheticData.Splits();

    protected string Home { get; } = Path.Combine(Path.GetTempPath(), $"lottery-trainer-{Guid.NewGuid():N}");

    protected ImpRunner Runner { get; }

    protected override void AfterAll()
    {
        base.AfterAll();
        Data.Dispose();
        Directory.Delete(Home, recursive: true);
    }
}
