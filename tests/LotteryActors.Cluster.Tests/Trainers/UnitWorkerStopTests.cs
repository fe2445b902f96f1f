using Akka.Actor;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Trainers.UnitWorker;

namespace LotteryActors.Cluster.Tests.Trainers;

/// <summary>
/// A slot whose unit's search was cancelled drops the run between two chunks and is idle again at once (the
/// synthetic dataset trained for real, 1,500 iterations at one a chunk, so the run is far from done when the stop
/// comes).
/// </summary>
public sealed class UnitWorkerStopTests() : SyntheticTrainerKit(Spec)
{
    private static readonly SearchSpec Spec = SyntheticSpec.LongRuns(tickets: 2);

    [Fact]
    public void A_stopped_run_is_dropped_between_chunks_and_the_slot_runs_the_next_unit_to_its_end()
    {
        var units = Runner.RoundZero();
        var slot = ChildActorOf(UnitWorker.Props(_ => Runner, chunkIterations: 1));

        slot.Tell(Run("cancelled", units[0]));
        // The first chunk comes after the runner loads its data: on a loaded machine that can take longer than the
        // kit's default 3 s, like the waits below.
        ExpectMsg<Progressed>(p => p.WorkId == "cancelled", TimeSpan.FromMinutes(2));
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
