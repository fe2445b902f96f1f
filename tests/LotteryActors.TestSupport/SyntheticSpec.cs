using LotteryActors.Training.Spec;

namespace LotteryActors.TestSupport;

/// <summary>A valid search spec sized for <see cref="SyntheticData"/>: LeNet at width 0.25, 200 examples, batches of 20.</summary>
public static class SyntheticSpec
{
    public static SearchSpec Search() => new(
        Name: "tiny",
        Dataset: new DatasetSpec(DatasetName.Mnist, "/data/mnist", ValidationSize: 40, TrainSubset: 0, TestSubset: 0),
        Model: new ModelSpec(ModelFamily.Lenet300100, [0.25], InitScheme.GlorotNormal),
        TicketsPerWidth: 1,
        Training: Recipe(),
        Pruning: new PruningSpec("layer-wise", Rate: 0.2, OutputRate: 0.2, Rounds: 2, Rewind: Duration.Zero),
        Controls: new ControlsSpec(RandomReinit: true, RandomMask: true),
        Seeds: new SeedSpec(Init: 1, DataOrder: 2, Controls: 3));

    /// <summary>
    /// <see cref="Search"/> with <paramref name="tickets"/> tickets whose runs last 1,500 iterations (evaluated every
    /// 100): for tests that stop a run once it has reported progress. A run of the default 30 iterations can end
    /// before a loaded machine lets the test send its stop, and the test would see it finished.
    /// </summary>
    public static SearchSpec LongRuns(int tickets) => Search() with
    {
        TicketsPerWidth = tickets,
        Training = Recipe() with
        {
            Duration = new Duration(1500, DurationUnit.Iterations),
            EvalInterval = new Duration(100, DurationUnit.Iterations),
        },
    };

    public static TrainingRecipe Recipe(OptimizerKind optimizer = OptimizerKind.Sgd, double learningRate = 0.05) => new(
        optimizer,
        learningRate,
        Momentum: 0.9,
        WeightDecay: 0,
        BatchSize: 20,
        Duration: new Duration(3, DurationUnit.Epochs),
        LrSchedule: LrSchedule.Constant,
        Milestones: [],
        Gamma: 0.1,
        Warmup: Duration.Zero,
        EvalInterval: new Duration(5, DurationUnit.Iterations));
}
