using Akka.Actor;
using LotteryActors.Actors.Protocol;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Trainers;

/// <summary>
/// A trainer node that stops while a unit leased to it is still on its way (leased before the coordinator heard of
/// the drain): the drain waits for the coordinator's answer, which comes after every such offer, trains the unit
/// and ends once its result is acknowledged (a probe plays the coordinator; the synthetic dataset trains for real).
/// </summary>
public sealed class WorkPullerDrainTests() : SyntheticTrainerKit(Spec)
{
    private static readonly SearchSpec Spec = SyntheticSpec.Search() with { TicketsPerWidth = 1 };
    private static readonly WorkTiming Timing = new(LeaseTimeout: TimeSpan.FromMinutes(1),
        ExpiryCheck: TimeSpan.FromSeconds(1), RenewEvery: TimeSpan.FromMinutes(1), PullEvery: TimeSpan.FromMinutes(1),
        RedeliverEvery: TimeSpan.FromMinutes(1));

    [Fact]
    public async Task A_unit_offered_before_the_coordinator_heard_of_the_drain_is_trained_before_the_node_leaves()
    {
        var coordinator = CreateTestProbe();
        var puller = Sys.ActorOf(WorkPuller.Props(coordinator, "node", slots: 1, _ => Runner, chunkIterations: 5,
            Timing, new TrainingSetup("cpu", "separate", null, 1)));
        coordinator.ExpectMsg<WorkRequested>();

        var drain = WorkPuller.DrainAsync(puller, TimeSpan.FromMinutes(2), Sys.Log);
        coordinator.ExpectMsg<DrainRequested>(r => r.Drain);
        var item = WorkItem.Train(Runner.RoundZero()[0]);
        var id = item.IdIn(Spec.SearchId);
        puller.Tell(new WorkOffered(id, Spec.SearchId, CanonicalSpec.ToJson(Spec), item,
            DateTimeOffset.UtcNow.AddMinutes(1)), coordinator);
        puller.Tell(new DrainSet("node", Draining: true, Changed: true), coordinator);

        var done = coordinator.FishForMessage<WorkDone>(m => m is WorkDone, TimeSpan.FromMinutes(2));
        Assert.False(drain.IsCompleted, "the drain ended before the unit's result was acknowledged");
        puller.Tell(new WorkAcknowledged(id), coordinator);
        await drain.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(id, done.WorkId);
        Assert.NotNull(done.Output.Run);
    }
}
