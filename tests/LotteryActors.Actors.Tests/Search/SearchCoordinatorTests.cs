using Akka.Actor;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tickets;
using LotteryActors.Training.Engines;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Training.Imp;
using static LotteryActors.Actors.Protocol.SearchMessages;

namespace LotteryActors.Actors.Tests.Search;

/// <summary>
/// The coordinator with real trainers on synthetic data and the in-memory journal: it recovers by replaying its
/// events, so stopping it mid-search and starting it again on the same persistence id must change nothing.
/// </summary>
public sealed class SearchCoordinatorTests() : TestKit(TestConfig.Akka + "\n" + TestConfig.InMemoryPersistence)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public void A_search_runs_every_ticket_round_and_control_then_ensembles_them()
    {
        using var tiny = new TinyNode();
        var listener = CreateTestProbe();
        Sys.ActorOf(SearchCoordinator.Props(tiny.Spec, tiny.Node, listener.Ref));

        var state = listener.ExpectMsg<SearchFinished>(Patience).State;

        Assert.True(state.Completed);
        Assert.All(state.Tickets.Values, t => Assert.True(t.Finished));
        Assert.Equal(tiny.Spec.Tickets().Sum(t => TicketSchedule.For(tiny.Spec, t).Count), state.Progress().Done);
        var levels = state.Ensemble!.Levels;
        Assert.Equal(tiny.Spec.Pruning.Rounds + 1, levels.Count);
        Assert.All(levels, l => Assert.Equal(2, l.Scores.Members));
    }

    [Fact]
    public async Task A_coordinator_stopped_mid_search_recovers_and_ends_where_an_uninterrupted_one_does()
    {
        // Runs long enough (120 iterations each) that stopping after the third journaled run lands mid-search.
        var spec = SyntheticSpec.Search();
        using var tiny = new TinyNode(spec with
        {
            TicketsPerWidth = 2,
            Training = spec.Training with { Duration = new Training.Spec.Duration(12, Training.Spec.DurationUnit.Epochs) },
        });
        var reference = await RunElsewhere(tiny.Node);

        var recovered = await StopMidSearchAndResume(tiny.Node);

        Assert.Equal(Runs(reference), Runs(recovered));
    }

    [Fact]
    public async Task Two_inits_per_width_are_journaled_resumed_and_analysed_within_and_across_inits()
    {
        var spec = SyntheticSpec.Search();
        using var tiny = new TinyNode(spec with
        {
            TicketsPerWidth = 2,
            InitsPerWidth = 2,
            Controls = new Training.Spec.ControlsSpec(false, false),
            Pruning = spec.Pruning with { Rounds = 1 },
            Training = spec.Training with { Duration = new Training.Spec.Duration(6, Training.Spec.DurationUnit.Epochs) },
            Baseline = new Training.Spec.DenseBaselineSpec(Epochs: 20, Patience: 3),
        });
        var reference = await RunElsewhere(tiny.Node);

        var state = await StopMidSearchAndResume(tiny.Node);

        Assert.Equal(Runs(reference), Runs(state));
        Assert.Equal([new(0, 0), new Training.Spec.InitId(0, 1)], state.Inits.Keys);
        Assert.NotEqual(state.Inits.Values.First().InitHash, state.Inits.Values.Last().InitHash);
        var runs = state.Tickets.Values.SelectMany(t => t.Runs).ToList();
        Assert.Equal(2, runs.Count(r => r.Unit.Kind == RunKind.DenseBaseline));
        // Round 0 and the baseline start from the ticket's own init: tickets 0, 1 from init 0; 2, 3 from init 1.
        Assert.All(runs.Where(r => r.Unit.Round == 0),
            r => Assert.Equal(state.Inits[new(0, r.Unit.Ticket.Index / 2)].InitHash, r.Unit.StartHash));

        using var analyzer = new Training.Analysis.SearchAnalyzer(tiny.Node.Runner,
            Training.Analysis.AnalysisOptions.Default with { BootstrapResamples = 20 });
        var analysis = analyzer.Analyze(state.SearchId!, runs);
        Assert.Equal([0, 1], analysis.Ensembles.Where(e => e.Kind == RunKind.Ticket).Select(e => e.Init!.Value).Distinct());
        Assert.Equal(2, analysis.InitMix.Count);
        Assert.All(analysis.InitMix, m => Assert.Equal((2, 2), (m.WithinInit.N, m.AcrossInits.N)));
        var deep = Assert.Single(analysis.DenseBaselines);
        Assert.Equal(2, deep.DeepEnsembleMembers);
        Assert.False(double.IsNaN(deep.DeepEnsembleTestAccuracy));
        Assert.All(analysis.SeedLevel, r => Assert.Equal(2, r.EnsembleGainOverDense.N));
    }

    /// <summary>
    /// Stops a coordinator once three runs are journaled, starts it again on the same persistence id (it must
    /// recover mid-search) and returns its state at the end of the search.
    /// </summary>
    private async Task<SearchState> StopMidSearchAndResume(TrainingNode node)
    {
        var listener = CreateTestProbe();
        var first = Sys.ActorOf(SearchCoordinator.Props(node.Runner.Spec, node, listener.Ref));
        await AwaitConditionAsync(async () => (await first.Ask<SearchState>(GetState.Instance)).Progress().Done >= 3,
            Patience, TimeSpan.FromMilliseconds(50));
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first, Patience);

        var resumed = Sys.ActorOf(SearchCoordinator.Props(node.Runner.Spec, node, listener.Ref));
        var partial = await resumed.Ask<SearchState>(GetState.Instance, Patience);
        Assert.InRange(partial.Progress().Done, 3, partial.Progress().Total - 1);
        return listener.ExpectMsg<SearchFinished>(Patience).State;
    }

    /// <summary>Three tickets in stacks of two, so stacks are padded and members change companions.</summary>
    private static TinyNode StackableSearch()
    {
        var spec = SyntheticSpec.Search();
        return new TinyNode(spec with
        {
            TicketsPerWidth = 3,
            Training = spec.Training with
            {
                Duration = new Training.Spec.Duration(8, Training.Spec.DurationUnit.Epochs),
            },
            Baseline = new Training.Spec.DenseBaselineSpec(Epochs: 10, Patience: 3),
        });
    }

    private static TrainingNode Stacked(TinyNode tiny) => tiny.Node with
    {
        Runtime = tiny.Runtime with
        {
            Engine = new EngineSettings(EngineKind.Stacked, StackSize: 2, Gather: TimeSpan.FromMilliseconds(30)),
        },
    };

    /// <summary>
    /// The coordinator's part of stacking: it hands the stacked engine the right inputs and journals each member's
    /// own result. Every unit a stacked search journals is, bit for bit, what the stacked engine trains from the
    /// inputs journaled with it when no other unit shares its stack (a member's bits depend on its inputs, K and
    /// its place, never on its companions); round 0's inputs are the separate search's. How near a stack's arithmetic comes to training alone is the
    /// engine's promise, tested in StackedEngineTests on real data: on this synthetic set (200 examples, momentum
    /// 0.9) one ReLU input within rounding of zero turns a 1e-7 difference into 1e-2 within a step, so the two
    /// searches' numbers part on some CPUs and not on others.
    /// </summary>
    [Fact]
    public async Task Every_unit_of_a_stacked_search_is_what_the_stacked_engine_trains_from_its_journaled_inputs()
    {
        using var tiny = StackableSearch();
        Assert.False(tiny.Node.Stacks);
        var separate = await RunElsewhere(tiny.Node);

        var stacked = await RunElsewhere(Stacked(tiny));

        Assert.True(stacked.Completed);
        var (alone, together) = (RunsByUnit(separate), RunsByUnit(stacked));
        Assert.Equal(alone.Keys, together.Keys);
        Assert.All(alone.Values.Where(r => r.Unit.Round == 0),
            r => Assert.Equal(r.Unit, together[r.Unit.ToString()].Unit));
        var engine = new StackedEngine(tiny.Node.Runner, Stacked(tiny).Runtime.Engine.StackSize);
        // Each unit again in a stack of copies of itself: a stack that gave one member another's data order or
        // mask, or journaled one member's result for another, would differ here.
        Assert.All(together.Values, r => Assert.Equal(r,
            engine.TrainAll([r.Unit], tiny.Runtime.ChunkIterations).Single().Result));
        // The baseline trains alone, through the same code as on the separate engine: the same bits.
        Assert.All(alone.Values.Where(r => r.Unit.Kind == RunKind.DenseBaseline),
            r => Assert.Equal(r.WeightsHash, together[r.Unit.ToString()].WeightsHash));
    }

    [Fact]
    public async Task A_stacked_search_stopped_mid_search_resumes_to_the_bits_of_an_uninterrupted_one()
    {
        using var tiny = StackableSearch();
        var reference = await RunElsewhere(Stacked(tiny));

        var recovered = await StopMidSearchAndResume(Stacked(tiny));

        Assert.Equal(Runs(reference), Runs(recovered));
    }

    /// <summary>Stacks fill as trainers happen to ask (here a stack of 2 padded to the block of the third
    /// ticket); the bits must not follow.</summary>
    [Fact]
    public async Task A_stacked_search_run_twice_ends_with_the_same_bits()
    {
        using var tiny = StackableSearch();

        var first = await RunElsewhere(Stacked(tiny));
        var second = await RunElsewhere(Stacked(tiny));

        Assert.Equal(Runs(first), Runs(second));
    }

    private static SortedDictionary<string, RunResult> RunsByUnit(SearchState state) =>
        new(state.Tickets.Values.SelectMany(t => t.Runs).ToDictionary(r => r.Unit.ToString()));

    [Fact]
    public void A_completed_search_recovers_as_completed_without_training_again()
    {
        using var tiny = new TinyNode();
        var listener = CreateTestProbe();
        var first = Sys.ActorOf(SearchCoordinator.Props(tiny.Spec, tiny.Node, listener.Ref));
        var finished = listener.ExpectMsg<SearchFinished>(Patience).State;
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        Sys.ActorOf(SearchCoordinator.Props(tiny.Spec, tiny.Node, listener.Ref));
        var recovered = listener.ExpectMsg<SearchFinished>(TimeSpan.FromSeconds(10)).State;

        Assert.Equal(Runs(finished), Runs(recovered));
        Assert.Equal(finished.Ensemble!.Levels, recovered.Ensemble!.Levels);
    }

    private static SortedDictionary<string, string> Runs(SearchState state) => new(state.Tickets.Values
        .SelectMany(t => t.Runs)
        .ToDictionary(r => r.Unit.ToString(), r => $"{r.WeightsHash} {r.Unit.MaskHash} {r.Metrics}"));

    /// <summary>The same search in a separate actor system, so its in-memory journal is its own.</summary>
    private static async Task<SearchState> RunElsewhere(TrainingNode node)
    {
        using var system = ActorSystem.Create("reference", TestConfig.Akka + "\n" + TestConfig.InMemoryPersistence);
        var done = new TaskCompletionSource<SearchState>();
        var listener = system.ActorOf(Props.Create(() => new Completion(done)));
        system.ActorOf(SearchCoordinator.Props(node.Runner.Spec, node, listener));
        var state = await done.Task.WaitAsync(Patience);
        await system.Terminate();
        return state;
    }

    private sealed class Completion : ReceiveActor
    {
        public Completion(TaskCompletionSource<SearchState> done) => Receive<SearchFinished>(f => done.TrySetResult(f.State));
    }
}
