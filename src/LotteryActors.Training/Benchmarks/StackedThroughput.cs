using System.Diagnostics;
using LotteryActors.Training.Data;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Training.Benchmarks;

/// <summary>K members trained as K separate sessions one after another, and as one stacked session.</summary>
public sealed record StackedMeasurement(int Members, double SeparateExamplesPerSecond, double StackedExamplesPerSecond)
{
    public double StackedOverSeparate => StackedExamplesPerSecond / SeparateExamplesPerSecond;
}

/// <summary>
/// What stacking buys on this device: LeNet-300-100 members, one thread, evaluation pushed out of the timed span
/// in both ways of training. On a CPU a step is already compute-bound, so expect little; on a GPU small nets are
/// launch-bound and stacking is the lever.
/// </summary>
public static class StackedThroughput
{
    private const int Warmup = 10;

    public static IReadOnlyList<StackedMeasurement> Measure(double width, DatasetSplits data, TrainingRecipe recipe,
        IEnumerable<int> memberCounts, int iterations)
    {
        set_num_threads(1);
        var length = new Duration(Warmup + iterations + 1, DurationUnit.Iterations);
        var timed = recipe with { Duration = length, EvalInterval = length };
        using var network = NetworkFactory.Create(ModelFamily.Lenet300100, width, data.ExampleShape, data.Classes,
            data.Train.Images.device);
        var init = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 0);
        try
        {
            using var mask = Mask.Dense(init, network.PrunableWeights);
            var examples = (double)iterations * recipe.BatchSize;
            return memberCounts.Select(k =>
            {
                var separate = Enumerable.Range(0, k).Sum(seed =>
                {
                    using var session = new TrainingSession(network, data, timed, mask, init, seed, 0);
                    return Timed(session.RunChunk, iterations);
                });
                var members = Enumerable.Range(0, k).Select(seed => new StackedMember(mask, init, seed)).ToList();
                using var stacked = new StackedSession(network, data, timed, members);
                var together = Timed(stacked.RunChunk, iterations);
                return new StackedMeasurement(k, k * examples / separate, k * examples / together);
            }).ToList();
        }
        finally
        {
            init.DisposeAll();
        }
    }

    /// <summary>Seconds for <paramref name="iterations"/> iterations after an untimed warm-up.</summary>
    private static double Timed(Action<int> runChunk, int iterations)
    {
        runChunk(Warmup);
        var clock = Stopwatch.StartNew();
        runChunk(iterations);
        return clock.Elapsed.TotalSeconds;
    }
}
