using System.Diagnostics;
using LotteryActors.Training;
using LotteryActors.Training.Data;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Benchmarks.Training;

/// <summary>
/// K members trained as K separate sessions one after another, and as one stacked session, and how far apart the
/// two ways end: <paramref name="FirstStepLargestDifference"/> is the largest difference of any weight after one
/// step from the same start (the arithmetic's agreement, which the tests hold to float tolerance);
/// <paramref name="RelativeDifferenceAfterTimedSteps"/> is the norm of all members' weight differences over the norm
/// of their weights after the timed steps, where Adam has amplified the first step's rounding (it divides gradients
/// near zero by their own scale). The <c>Cpu</c> rates count the same examples over the training thread's CPU clock
/// (<see cref="ThreadClock"/>), which a loaded machine stretches far less than the wall clock.
/// </summary>
public sealed record StackedMeasurement(int Members, double SeparateExamplesPerSecond, double StackedExamplesPerSecond,
    double FirstStepLargestDifference, double RelativeDifferenceAfterTimedSteps,
    double SeparateCpuExamplesPerSecond, double StackedCpuExamplesPerSecond)
{
    public double StackedOverSeparate => StackedExamplesPerSecond / SeparateExamplesPerSecond;

    /// <summary>What each member of the stack trains in a second: the stack's examples/s over its members.</summary>
    public double StackedExamplesPerSecondPerMember => StackedExamplesPerSecond / Members;
}

/// <summary>
/// What stacking buys on this device: members of <paramref name="family"/> (LeNet-300-100 unless said; conv nets
/// stack as grouped convolutions), one thread, evaluation pushed out of the timed span in both ways of training,
/// after <paramref name="warmup"/> untimed steps. On a CPU a step is already compute-bound, so expect little; on a
/// GPU small nets are launch-bound and stacking is the lever.
/// </summary>
public static class StackedThroughput
{
    public static IReadOnlyList<StackedMeasurement> Measure(double width, DatasetSplits data, TrainingRecipe recipe,
        IEnumerable<int> memberCounts, int iterations, ModelFamily family = ModelFamily.Lenet300100, int warmup = 10)
    {
        set_num_threads(1);
        var length = new Duration(warmup + iterations + 1, DurationUnit.Iterations);
        var timed = recipe with { Duration = length, EvalInterval = length };
        using var network = NetworkFactory.For(family, width, data);
        var init = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 0);
        try
        {
            using var mask = Mask.Dense(init, network.PrunableWeights);
            var examples = (double)iterations * recipe.BatchSize;

            // Members 0..k-1 (their seed is their data order) for `steps` after `untimed` ones, alone one after
            // another or as one stack: their weights, and the seconds the timed steps took.
            (List<Dictionary<string, Tensor>> Weights, Seconds Seconds) Separate(int k, int untimed, int steps)
            {
                var weights = new List<Dictionary<string, Tensor>>();
                var seconds = new Seconds(0, 0);
                for (var seed = 0; seed < k; seed++)
                {
                    using var session = new TrainingSession(network, data, timed, mask, init, seed, 0);
                    var window = Timed(session.RunChunk, untimed, steps);
                    seconds = new Seconds(seconds.Wall + window.Wall, seconds.Cpu + window.Cpu);
                    weights.Add(network.CaptureState());
                }
                return (weights, seconds);
            }

            (IReadOnlyList<Dictionary<string, Tensor>> Weights, Seconds Seconds) Stacked(int k, int untimed,
                int steps)
            {
                var members = Enumerable.Range(0, k).Select(seed => new StackedMember(mask, init, seed)).ToList();
                using var stacked = new StackedSession(network, data, timed, members);
                var seconds = Timed(stacked.RunChunk, untimed, steps);
                return (stacked.MemberWeights(), seconds);
            }

            return memberCounts.Select(k =>
            {
                var (firstAlone, _) = Separate(k, 0, 1);
                var (firstStacked, _) = Stacked(k, 0, 1);
                var (alone, separate) = Separate(k, warmup, iterations);
                var (together, stackedSeconds) = Stacked(k, warmup, iterations);
                var measurement = new StackedMeasurement(k, k * examples / separate.Wall,
                    k * examples / stackedSeconds.Wall, LargestDifference(firstAlone, firstStacked),
                    RelativeDifference(alone, together), k * examples / separate.Cpu,
                    k * examples / stackedSeconds.Cpu);
                foreach (var weights in firstAlone.Concat(firstStacked).Concat(alone).Concat(together))
                    weights.DisposeAll();
                return measurement;
            }).ToList();
        }
        finally
        {
            init.DisposeAll();
        }
    }

    private static IEnumerable<(Tensor Alone, Tensor Stacked)> Pairs(IReadOnlyList<Dictionary<string, Tensor>> alone,
        IReadOnlyList<Dictionary<string, Tensor>> stacked) =>
        alone.Zip(stacked, (a, s) => a.Select(p => (p.Value, s[p.Key]))).SelectMany(pairs => pairs);

    private static double LargestDifference(IReadOnlyList<Dictionary<string, Tensor>> alone,
        IReadOnlyList<Dictionary<string, Tensor>> stacked) =>
        Pairs(alone, stacked).Max(p =>
        {
            using var scope = NewDisposeScope();
            return (double)(p.Alone - p.Stacked).abs().max().item<float>();
        });

    private static double RelativeDifference(IReadOnlyList<Dictionary<string, Tensor>> alone,
        IReadOnlyList<Dictionary<string, Tensor>> stacked)
    {
        double difference = 0, norm = 0;
        foreach (var (a, s) in Pairs(alone, stacked))
        {
            using var scope = NewDisposeScope();
            difference += (a - s).to(ScalarType.Float64).pow(2).sum().item<double>();
            norm += a.to(ScalarType.Float64).pow(2).sum().item<double>();
        }
        return Math.Sqrt(difference / norm);
    }

    /// <summary>A window's seconds on the wall clock and on the calling thread's CPU clock.</summary>
    private readonly record struct Seconds(double Wall, double Cpu);

    /// <summary>Seconds for <paramref name="steps"/> iterations after <paramref name="warmup"/> untimed ones.
    /// </summary>
    private static Seconds Timed(Action<int> runChunk, int warmup, int steps)
    {
        if (warmup > 0)
            runChunk(warmup);
        var (clock, cpu) = (Stopwatch.StartNew(), ThreadClock.Seconds());
        runChunk(steps);
        return new Seconds(clock.Elapsed.TotalSeconds, ThreadClock.Seconds() - cpu);
    }
}
