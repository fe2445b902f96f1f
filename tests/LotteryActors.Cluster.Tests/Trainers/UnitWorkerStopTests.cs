using Akka.Actor;
using Akka.TestKit.Xunit2;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Trainers.UnitWorker;

namespace LotteryActors.Cluster.Tests.Trainers;

/// <summary>
/// A slot whose unit's search was cancelled drops the run between two chunks and is idle again at once (the
/// synthetic dataset trained for real, one iteration a chunk, so the run is far from done when the stop comes).
/// </summary>
public sealed class UnitWorkerStopTests : TestKit
{
    private static readonly SearchSpec Spec = SyntheticSpec.Search() with { TicketsPerWidth = 2 };

    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly string home = Path.Combine(Path.GetTempPath(), $"lottery-stop-{Guid.NewGuid():N}");
    private readonly ImpRunner runner;

    public UnitWorkerStopTests() : base(TrainerDispatcher.Hocon)
    {
        TorchSharp.torch.set_num_threads(1);
        runner = new ImpRunner(Spec, data, new ArtifactStore(home));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        data.Dispose();
        Directory.Delete(home, recursive: true);
    }

    [Fact]
    public void A_stopped_run_is_dropped_between_chunks_and_the_slot_runs_the_next_unit_to_its_end()
    {
        var units = runner.RoundZero();
        var slot = ChildActorOf(UnitWorker.Props(_ => runner, chunkIterations: 1));

        slot.Tell(Run("cancelled", units[0]));
        ExpectMsg<Progressed>(p => p.WorkId == "cancelled");
        slot.Tell(new Stop("cancelled"));
        // Progress reports of the chunks before the stop are passed over.
        var stopped = FishForMessage(m => m is Stopped or Finished, TimeSpan.FromMinutes(2));
        slot.Tell(Run("next", units[1]));
        var ended = FishForMessage(m => m is Finished, TimeSpan.FromMinutes(2));

        Assert.Equal("cancelled", Assert.IsType<Stopped>(stopped).WorkId);
        Assert.Equal("next", ((Finished)ended).WorkId);
    }

    private static RunUnit Run(string workId, WorkUnit unit) =>
        new(workId, WorkItem.Train(unit), CanonicalSpec.ToJson(Spec), DatasetFingerprint: null);
}
