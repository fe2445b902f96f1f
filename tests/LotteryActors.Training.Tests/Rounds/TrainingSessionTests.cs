using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Rounds;

/// <summary>LeNet at width 0.25 on 200 synthetic examples, batches of 20: 10 iterations an epoch, 30 in all.</summary>
public sealed class TrainingSessionTests : IDisposable
{
    private const long InitSeed = 1;
    private const long DataOrderSeed = 2;

    private readonly DatasetSplits data = SyntheticData.Splits();

    public TrainingSessionTests() => set_num_threads(1);

    public void Dispose() => data.Dispose();

    private static PrunableNetwork Network() =>
        NetworkFactory.Create(ModelFamily.Lenet300100, 0.25, SyntheticData.ExampleShape, SyntheticData.Classes);

    /// <summary>A fresh network, its seeded init and a mask: dense, or every layer pruned to half by magnitude.</summary>
    private sealed class Setup : IDisposable
    {
        public Setup(bool halfPruned)
        {
            Network = TrainingSessionTests.Network();
            Init = NetworkFactory.DrawInit(Network, InitScheme.GlorotNormal, InitSeed);
            using var dense = Mask.Dense(Init, Network.PrunableWeights);
            Mask = halfPruned
                ? PruningStrategies.LayerWise.Prune(dense, Init, Network.OutputWeight, new PruningRates(0.5, 0.5))
                : dense.Clone();
        }

        public PrunableNetwork Network { get; }
        public Dictionary<string, Tensor> Init { get; }
        public Mask Mask { get; }

        public void Dispose()
        {
            TensorAssert.DisposeAll(Init);
            Mask.Dispose();
            Network.Dispose();
        }
    }

    private RoundOutcome Train(TrainingRecipe recipe, bool halfPruned = false, long dataOrderSeed = DataOrderSeed,
        int chunk = int.MaxValue) =>
        TrainOn(data, recipe, halfPruned, dataOrderSeed, chunk);

    private static RoundOutcome TrainOn(DatasetSplits splits, TrainingRecipe recipe, bool halfPruned = false,
        long dataOrderSeed = DataOrderSeed, int chunk = int.MaxValue)
    {
        using var setup = new Setup(halfPruned);
        using var session =
            new TrainingSession(setup.Network, splits, recipe, setup.Mask, setup.Init, dataOrderSeed, 0);
        while (!session.IsComplete)
            session.RunChunk(chunk);
        return session.Complete();
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void Pruned_weights_are_exactly_zero_after_training(OptimizerKind optimizer)
    {
        var recipe = SyntheticSpec.Recipe(optimizer, optimizer == OptimizerKind.Adam ? 0.01 : 0.05) with { WeightDecay = 1e-3 };
        using var setup = new Setup(halfPruned: true);

        using var outcome = Train(recipe, halfPruned: true);

        foreach (var layer in setup.Network.PrunableWeights)
        {
            var mask = TensorAssert.Values(setup.Mask.Layers[layer]);
            var trained = TensorAssert.Values(outcome.TrainedWeights[layer]);
            var init = TensorAssert.Values(setup.Init[layer]);
            Assert.Equal(0.5, mask.Average(), 2);
            // +0.0 bit for bit: a -0.0 would pass Assert.Equal(0f, ...) yet change the stored artifact's hash.
            Assert.All(mask.Zip(trained).Where(p => p.First == 0f),
                p => Assert.Equal(0, BitConverter.SingleToInt32Bits(p.Second)));
            Assert.True(mask.Zip(trained, init).Count(p => p.First == 1f && p.Second != p.Third) > mask.Length / 4,
                $"most surviving weights of {layer} should have trained");
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void Same_seed_gives_bitwise_identical_weights(OptimizerKind optimizer)
    {
        using var first = Train(SyntheticSpec.Recipe(optimizer, 0.01), halfPruned: true);
        using var second = Train(SyntheticSpec.Recipe(optimizer, 0.01), halfPruned: true);

        TensorAssert.BitwiseEqual(first.TrainedWeights, second.TrainedWeights);
        Assert.Equal(first.Curve, second.Curve);
    }

    [Fact]
    public void Different_data_order_seed_gives_different_weights()
    {
        using var first = Train(SyntheticSpec.Recipe());
        using var second = Train(SyntheticSpec.Recipe(), dataOrderSeed: DataOrderSeed + 1);

        Assert.True(TensorAssert.AnyDiffers(first.TrainedWeights, second.TrainedWeights));
    }

    [Fact]
    public void Chunked_training_equals_one_run_bitwise()
    {
        using var whole = Train(SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01));
        using var chunked = Train(SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01), chunk: 7);

        TensorAssert.BitwiseEqual(whole.TrainedWeights, chunked.TrainedWeights);
        Assert.Equal(whole.Curve, chunked.Curve);
        Assert.Equal(whole.TrainLoss, chunked.TrainLoss);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void On_the_CPU_every_parameter_takes_the_fused_update(OptimizerKind optimizer)
    {
        using var setup = new Setup(halfPruned: true);
        using var session = new TrainingSession(setup.Network, data, SyntheticSpec.Recipe(optimizer), setup.Mask,
            setup.Init, DataOrderSeed, 0);

        Assert.True(session.FusedOptimizerStep);
    }

    [Fact]
    public void A_run_to_the_end_chunk_after_a_partial_chunk_finishes()
    {
        using var setup = new Setup(halfPruned: false);
        using var session = new TrainingSession(setup.Network, data, SyntheticSpec.Recipe(), setup.Mask, setup.Init, DataOrderSeed, 0);

        session.RunChunk(3);
        session.RunChunk(int.MaxValue);

        Assert.True(session.IsComplete);
        Assert.Equal(30, session.Iteration);
    }

    [Fact]
    public void A_huge_learning_rate_throws_divergence()
    {
        var error = Assert.Throws<DivergenceException>(() => Train(SyntheticSpec.Recipe(learningRate: 1e30)).Dispose());

        Assert.InRange(error.Iteration, 1, 29);
        Assert.StartsWith($"training diverged at iteration {error.Iteration}: loss is ", error.Message);
    }

    [Fact]
    public void A_non_finite_loss_fails_the_chunk_and_names_its_first_iteration_though_losses_are_read_late()
    {
        using var poisoned = SyntheticData.Splits();
        using (no_grad())
            poisoned.Train.Images.fill_(float.NaN);
        using var setup = new Setup(halfPruned: false);
        var recipe = SyntheticSpec.Recipe() with { EvalInterval = new Duration(1000, DurationUnit.Iterations) };
        using var session =
            new TrainingSession(setup.Network, poisoned, recipe, setup.Mask, setup.Init, DataOrderSeed, 0);

        var error = Assert.Throws<DivergenceException>(() => session.RunChunk(7));

        Assert.Equal(0, error.Iteration);
        Assert.Equal(7, session.Iteration);
    }

    [Fact]
    public void Counts_iterations_from_epochs_and_evaluates_at_every_interval()
    {
        using var outcome = Train(SyntheticSpec.Recipe());

        Assert.Equal(30, outcome.Iterations);
        Assert.Equal([5, 10, 15, 20, 25, 30], outcome.Curve.Select(p => p.Iteration));
        Assert.Equal(outcome.Curve[^1].ValidationAccuracy, outcome.FinalValidationAccuracy);
        Assert.Equal(outcome.Curve.Max(p => p.ValidationAccuracy), outcome.BestValidationAccuracy);
        Assert.Equal(outcome.Curve.First(p => p.ValidationAccuracy == outcome.BestValidationAccuracy).Iteration, outcome.EarlyStopIteration);
        Assert.True(double.IsFinite(outcome.TrainLoss));
    }

    [Fact]
    public void Test_accuracy_at_early_stop_is_the_test_accuracy_of_the_weights_at_the_early_stop_iteration()
    {
        // 400 test examples so that two different weights rarely score alike; Adam at a high rate peaks early.
        using var wide = SyntheticData.Splits(test: 400);
        var recipe = SyntheticSpec.Recipe(OptimizerKind.Adam, 0.05) with
        {
            Duration = new Duration(8, DurationUnit.Epochs),
        };
        using var full = TrainOn(wide, recipe);
        Assert.True(full.EarlyStopIteration < full.Iterations, "the validation peak should come before the end");

        // The same run stopped at the early-stop iteration: a constant rate, so its first steps are the same steps.
        using var stopped =
            TrainOn(wide, recipe with { Duration = new Duration(full.EarlyStopIteration, DurationUnit.Iterations) });

        Assert.Equal(stopped.FinalTestAccuracy, full.TestAccuracyAtEarlyStop);
        Assert.NotEqual(full.FinalTestAccuracy, full.TestAccuracyAtEarlyStop);
    }

    [Fact]
    public void Training_on_a_learnable_task_beats_chance()
    {
        using var outcome = Train(SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01) with { Duration = new Duration(10, DurationUnit.Epochs) });

        Assert.True(outcome.FinalTestAccuracy > 0.3, $"test accuracy {outcome.FinalTestAccuracy}");
    }

    [Fact]
    public void IterationsPerEpoch_is_whole_batches_and_at_least_one()
    {
        using var odd = SyntheticData.Splits(train: 59, validation: 1, test: 1);

        Assert.Equal(2, TrainingSession.IterationsPerEpoch(odd, SyntheticSpec.Recipe() with { BatchSize = 20 }));
        Assert.Equal(1, TrainingSession.IterationsPerEpoch(odd, SyntheticSpec.Recipe() with { BatchSize = 59 }));
    }

    [Fact]
    public void Captures_the_weights_reached_at_the_rewind_iteration()
    {
        using var reference = new Setup(halfPruned: false);
        using var referenceSession = new TrainingSession(reference.Network, data, SyntheticSpec.Recipe(), reference.Mask, reference.Init, DataOrderSeed, 0);
        referenceSession.RunChunk(12);
        var expected = reference.Network.CaptureState();

        using var setup = new Setup(halfPruned: false);
        using var session = new TrainingSession(setup.Network, data, SyntheticSpec.Recipe(), setup.Mask, setup.Init, DataOrderSeed, 0, captureAt: 12);
        session.RunChunk(11);
        Assert.Null(session.CapturedWeights);
        session.RunChunk(5);

        TensorAssert.BitwiseEqual(expected, session.CapturedWeights!);
        TensorAssert.DisposeAll(expected);
    }

    [Fact]
    public void Resuming_from_the_rewind_point_replays_the_same_data_order()
    {
        var plainSgd = SyntheticSpec.Recipe() with { Momentum = 0 };
        using var setup = new Setup(halfPruned: true);
        using var session = new TrainingSession(setup.Network, data, plainSgd, setup.Mask, setup.Init, DataOrderSeed, 0, captureAt: 12);
        session.RunChunk(int.MaxValue);
        using var uninterrupted = session.Complete();

        using var resumedNetwork = Network();
        using var resumed = new TrainingSession(resumedNetwork, data, plainSgd, setup.Mask, session.CapturedWeights!, DataOrderSeed, 12);
        Assert.Equal(12, resumed.Iteration);
        resumed.RunChunk(int.MaxValue);
        using var outcome = resumed.Complete();

        TensorAssert.BitwiseEqual(uninterrupted.TrainedWeights, outcome.TrainedWeights);
    }

    [Fact]
    public void Refuses_a_start_at_or_after_the_end()
    {
        using var setup = new Setup(halfPruned: false);

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new TrainingSession(setup.Network, data, SyntheticSpec.Recipe(), setup.Mask, setup.Init, DataOrderSeed, 30));
    }

    [Fact]
    public void Complete_refuses_an_unfinished_session()
    {
        using var setup = new Setup(halfPruned: false);
        using var session = new TrainingSession(setup.Network, data, SyntheticSpec.Recipe(), setup.Mask, setup.Init, DataOrderSeed, 0);
        session.RunChunk(29);

        var error = Assert.Throws<InvalidOperationException>(() => session.Complete());

        Assert.Equal("session is at iteration 29 of 30", error.Message);
    }

    [Fact]
    public void With_a_patience_training_stops_that_many_evaluations_after_the_peak_and_keeps_the_peak_weights()
    {
        // A budget of 30 epochs (300 iterations), evaluated every 5: 40 validation examples plateau long before.
        var recipe = SyntheticSpec.Recipe() with { Duration = new Duration(30, DurationUnit.Epochs) };
        using var setup = new Setup(halfPruned: false);
        using var session = new TrainingSession(setup.Network, data, recipe, setup.Mask, setup.Init, DataOrderSeed, 0,
            patience: 3);
        while (!session.IsComplete)
            session.RunChunk(7);
        using var outcome = session.Complete();

        Assert.True(session.StoppedEarly);
        Assert.InRange(outcome.Iterations, 1, session.TotalIterations - 1);
        Assert.Equal(outcome.EarlyStopIteration + 3 * 5, outcome.Iterations);
        Assert.Equal(outcome.BestValidationAccuracy, outcome.FinalValidationAccuracy);
        Assert.Equal(outcome.TestAccuracyAtEarlyStop, outcome.FinalTestAccuracy);
        // The weights kept are the network at its peak: training for exactly that long gives the same bits.
        using var atPeak = Train(recipe with { Duration = new Duration(outcome.EarlyStopIteration, DurationUnit.Iterations) });
        TensorAssert.BitwiseEqual(atPeak.TrainedWeights, outcome.TrainedWeights);
    }

    [Fact]
    public void A_patience_below_one_evaluation_is_refused()
    {
        using var setup = new Setup(halfPruned: false);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingSession(setup.Network, data, SyntheticSpec.Recipe(),
            setup.Mask, setup.Init, DataOrderSeed, 0, patience: 0));
    }
}
