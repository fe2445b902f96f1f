using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Trainers.UnitWorker;

namespace LotteryActors.Cluster.Tests.Trainers;

/// <summary>
/// A stacked trainer node's engine under a probe standing in for its puller, training the synthetic dataset for
/// real: three tickets in stacks of two, so tickets 0 and 1 share a stack and ticket 2's stack holds it alone.
/// </summary>
public sealed class StackWorkerTests : SyntheticTrainerKit
{
    private static readonly SearchSpec Spec = SyntheticSpec.LongRuns(tickets: 3);

    private readonly IReadOnlyList<WorkUnit> units;

    public StackWorkerTests() : base(Spec)
    {
        units = Runner.RoundZero();
    }

    [Fact]
    public void Runs_leased_apart_train_in_the_engines_stacks_at_once_when_full_to_the_bits_the_engine_gives_them()
    {
        var expected = new StackedEngine(Runner, 2).TrainAll(units);
        var (puller, engine) = Engine(gather: TimeSpan.FromMinutes(5));

        // Ticket 2's stack holds only it, so it is full and trains at once; tickets 0 and 1 fill theirs. A gather
        // of five minutes would outlast the waits below: no stack waits for it.
        engine.Tell(Leased(units[2]));
        var finished = Outputs(puller, 1);
        engine.Tell(Leased(units[0]));
        engine.Tell(Leased(units[1]));
        finished.AddRange(Outputs(puller, 2));

        foreach (var (unit, outcome) in units.Zip(expected))
        {
            var done = finished.Single(f => f.WorkId == Id(unit));
            Assert.Equal(Data.Fingerprint, done.DatasetFingerprint);
            Assert.Equal(Json(outcome.Result!), Json(done.Output.Run!.ToDomain()));
        }
    }

    [Fact]
    public void A_stack_that_does_not_fill_trains_once_the_gather_time_has_passed_its_member_in_its_own_place()
    {
        var expected = new StackedEngine(Runner, 2).TrainAll(units);
        var (puller, engine) = Engine(gather: TimeSpan.FromMilliseconds(300));

        engine.Tell(Leased(units[1]));

        var done = Assert.Single(Outputs(puller, 1));
        Assert.Equal(Json(expected[1].Result!), Json(done.Output.Run!.ToDomain()));
        // Trained in place 1 of a stack of two, which is not how it trains alone.
        Assert.NotEqual(Json(new SeparateEngine(Runner).TrainAll([units[1]]).Single().Result!),
            Json(done.Output.Run!.ToDomain()));
    }

    [Fact]
    public void A_unit_of_another_dataset_is_refused_and_one_it_cannot_train_fails_alone_while_the_engine_trains_on()
    {
        var (puller, engine) = Engine(gather: TimeSpan.FromMilliseconds(300));

        engine.Tell(Leased(units[2]) with { DatasetFingerprint = "another copy" });
        var refused = puller.ExpectMsg<Refused>();
        engine.Tell(new RunUnit("init", WorkItem.Init(0), CanonicalSpec.ToJson(Spec), null));
        var failed = puller.ExpectMsg<StackWorker.MemberFailed>();
        engine.Tell(Leased(units[2]));

        Assert.Equal((Id(units[2]), Data.Fingerprint), (refused.WorkId, refused.DatasetFingerprint));
        Assert.Contains("another copy", refused.Reason);
        Assert.Equal("init", failed.WorkId);
        Assert.Equal(Id(units[2]), Assert.Single(Outputs(puller, 1)).WorkId);
    }

    [Fact]
    public void A_cancelled_run_waiting_for_its_stack_is_dropped_and_a_stack_cancelled_whole_ends_between_chunks()
    {
        var (puller, engine) = Engine(gather: TimeSpan.FromMinutes(5));

        // Ticket 0 waits for ticket 1 to fill its stack; five minutes of gather outlast the test.
        engine.Tell(Leased(units[0]));
        engine.Tell(new Stop(Id(units[0])));
        Assert.Equal(Id(units[0]), puller.ExpectMsg<Stopped>().WorkId);
        engine.Tell(Leased(units[0]));
        engine.Tell(Leased(units[1]));
        puller.ExpectMsg<Progressed>(TimeSpan.FromMinutes(2));
        engine.Tell(new Stop(Id(units[0])));
        engine.Tell(new Stop(Id(units[1])));
        var stopped = new[] { StoppedOrFinished(puller), StoppedOrFinished(puller) };
        // Free again: the next run trains to its end.
        engine.Tell(Leased(units[2]));

        Assert.All(stopped, m => Assert.IsType<Stopped>(m));
        Assert.Equal([Id(units[0]), Id(units[1])], stopped.Cast<Stopped>().Select(s => s.WorkId).Order());
        Assert.Equal(Id(units[2]), StoppedOrFinished(puller) is Finished f ? f.WorkId : null);
    }

    [Fact]
    public void A_cancelled_run_trains_on_with_its_companion_whose_bits_stay_the_stacks_and_is_reported_stopped()
    {
        var expected = new StackedEngine(Runner, 2).TrainAll(units);
        var (puller, engine) = Engine(gather: TimeSpan.FromMinutes(5));

        engine.Tell(Leased(units[0]));
        engine.Tell(Leased(units[1]));
        puller.ExpectMsg<Progressed>(TimeSpan.FromMinutes(2));
        engine.Tell(new Stop(Id(units[0])));
        var ended = new[] { StoppedOrFinished(puller), StoppedOrFinished(puller) };

        Assert.Equal(Id(units[0]), Assert.Single(ended.OfType<Stopped>()).WorkId);
        var done = Assert.Single(ended.OfType<Finished>());
        Assert.Equal(Id(units[1]), done.WorkId);
        Assert.Equal(Json(expected[1].Result!), Json(done.Output.Run!.ToDomain()));
    }

    /// <summary>The engine's next word on a run's end, progress reports passed over.</summary>
    private static object StoppedOrFinished(TestProbe puller) =>
        puller.FishForMessage(m => m is Stopped or Finished, TimeSpan.FromMinutes(2));

    private (TestProbe Puller, IActorRef Engine) Engine(TimeSpan gather)
    {
        var puller = CreateTestProbe();
        var engine = puller.ChildActorOf(StackWorker.Props(_ => Runner,
            new EngineSettings(EngineKind.Stacked, StackSize: 2, gather), chunkIterations: 7));
        return (puller, engine);
    }

    /// <summary>The outputs the engine sends, in order, with every progress report between them checked.</summary>
    private List<Finished> Outputs(TestProbe puller, int count)
    {
        var finished = new List<Finished>();
        while (finished.Count < count)
        {
            var message = puller.ExpectMsg<object>(TimeSpan.FromMinutes(2));
            if (message is Progressed progressed)
                Assert.InRange(progressed.Progress.Iteration, 1, progressed.Progress.TotalIterations - 1);
            else
                finished.Add(Assert.IsType<Finished>(message));
        }
        return finished;
    }

    private static RunUnit Leased(WorkUnit unit) =>
        new(Id(unit), WorkItem.Train(unit), CanonicalSpec.ToJson(Spec), null);

    private static string Id(WorkUnit unit) => WorkItem.Train(unit).IdIn(Spec.SearchId);

    /// <summary>A result as the journal would hold it, so records with lists compare by value.</summary>
    private static string Json(RunResult result) => JsonSerializer.Serialize(result);
}
