using System.Diagnostics;
using LotteryActors.Training;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Benchmarks.Training;

/// <summary>The fastest multiplication, by the wall clock and, on one thread, by the thread's CPU time
/// (<see cref="ThreadClock"/>; null on more threads, whose work the calling thread's clock does not see).</summary>
public sealed record GemmMeasurement(int Size, int Threads, double Seconds, double GflopsPerSecond, double? CpuSeconds)
{
    public double? CpuGflopsPerSecond => 2.0 * Size * Size * Size / CpuSeconds / 1e9;
}

/// <summary>A trainer's timed window; <paramref name="OptimizerSeconds"/> of its <paramref name="Seconds"/> went to
/// the optimizer's update (on the CPU: see <see cref="Rounds.TrainingSession.OptimizerTime"/>);
/// <paramref name="CpuSeconds"/> is the window on the training thread's CPU clock (<see cref="ThreadClock"/>), the
/// measure that compares with a GEMM's on a loaded machine when the trainer runs on one thread.</summary>
public sealed record TrainingMeasurement(
    int Iterations, int Examples, double Seconds, double ExamplesPerSecond, double GflopsPerSecond,
    bool FusedOptimizerStep, double OptimizerSeconds, double CpuSeconds)
{
    /// <summary>The rate by the training thread's CPU time.</summary>
    public double CpuGflopsPerSecond => GflopsPerSecond * Seconds / CpuSeconds;

    /// <summary>The update's share of the window.</summary>
    public double OptimizerShare => OptimizerSeconds / Seconds;

    /// <summary>What the update took per iteration, in milliseconds.</summary>
    public double OptimizerMillisecondsPerStep => OptimizerSeconds * 1000 / Iterations;
}

/// <summary>
/// The machine's GEMM ceiling and one trainer against it, all measured in one run: the spec's optimizer on one
/// thread and on every core's thread, and the other optimizer (Adam or SGD with momentum) on one thread, so the
/// optimizer's share of a step shows as the ratio of the two. The two optimizers are trained in turn, several
/// times: <see cref="OneThread"/> and <see cref="OtherOptimizerOneThread"/> are each one's fastest run (a load that
/// comes and goes slows whichever ran then; the fastest is the least disturbed), and
/// <see cref="ThroughputOverOtherOptimizerPerRepeat"/> keeps the ratio of each pair, for the spread.
/// </summary>
public sealed record TrainerBenchmark(
    GemmMeasurement GemmOneThread, GemmMeasurement GemmAllThreads, string Optimizer, TrainingMeasurement OneThread,
    TrainingMeasurement AllThreads, string OtherOptimizer, TrainingMeasurement OtherOptimizerOneThread,
    IReadOnlyList<double> ThroughputOverOtherOptimizerPerRepeat)
{
    public double ShareOfOneThreadGemm => OneThread.GflopsPerSecond / GemmOneThread.GflopsPerSecond;
    public double ShareOfMachineGemm => AllThreads.GflopsPerSecond / GemmAllThreads.GflopsPerSecond;
    public double ThroughputOverOtherOptimizer =>
        OneThread.ExamplesPerSecond / OtherOptimizerOneThread.ExamplesPerSecond;

    public static TrainerBenchmark Measure(ModelFamily family, double width, DatasetSplits data, TrainingRecipe recipe,
        int iterations, TimeSpan gemmBudget, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var cores = Environment.ProcessorCount;
        var gemmOne = Throughput.Gemm(2048, 1, gemmBudget);
        var gemmAll = Throughput.Gemm(2048, cores, gemmBudget);
        var other = recipe with
        {
            Optimizer = recipe.Optimizer == OptimizerKind.Adam ? OptimizerKind.Sgd : OptimizerKind.Adam,
        };
        var pairs = Enumerable.Range(0, repeats).Select(_ =>
        (
            One: Throughput.Train(family, width, data, recipe, iterations, 1),
            Other: Throughput.Train(family, width, data, other, iterations, 1)
        )).ToList();
        var all = Throughput.Train(family, width, data, recipe, iterations, cores);
        return new TrainerBenchmark(gemmOne, gemmAll, SpecNames.Of(recipe.Optimizer),
            pairs.Select(p => p.One).MaxBy(m => m.ExamplesPerSecond)!, all, SpecNames.Of(other.Optimizer),
            pairs.Select(p => p.Other).MaxBy(m => m.ExamplesPerSecond)!,
            pairs.Select(p => p.One.ExamplesPerSecond / p.Other.ExamplesPerSecond).ToList());
    }
}

/// <summary>
/// Measurements with libtorch itself: the float32 GEMM ceiling at a given thread count, and what one trainer
/// achieves on a real model. The ceiling is the fastest multiplication in its time budget, as the trainer's is its
/// fastest repeat: a mean let a neighbour's burst during the GEMM lower the ceiling, and one run read a trainer at
/// 1.05 of it. FLOPs of training are counted as 3x the dense forward pass (forward, and a backward
/// that computes gradients for both inputs and weights), 2 FLOPs per multiply-add.
/// </summary>
public static class Throughput
{
    public static GemmMeasurement Gemm(int size, int threads, TimeSpan budget)
    {
        set_num_threads(threads);
        using var a = randn(size, size);
        using var b = randn(size, size);
        using (a.matmul(b)) { }
        var clock = Stopwatch.StartNew();
        var repetitions = 0;
        var (seconds, cpuSeconds) = (double.PositiveInfinity, double.PositiveInfinity);
        while (clock.Elapsed < budget || repetitions < 3)
        {
            var (start, cpuStart) = (clock.Elapsed, ThreadClock.Seconds());
            using var c = a.matmul(b);
            cpuSeconds = Math.Min(cpuSeconds, ThreadClock.Seconds() - cpuStart);
            seconds = Math.Min(seconds, (clock.Elapsed - start).TotalSeconds);
            repetitions++;
        }
        return new GemmMeasurement(size, threads, seconds, 2.0 * size * size * size / seconds / 1e9,
            threads == 1 && double.IsFinite(cpuSeconds) ? cpuSeconds : null);
    }

    /// <summary>Trains one dense network for <paramref name="iterations"/> iterations with evaluation pushed out of
    /// the way, after <paramref name="warmup"/> untimed ones: long enough for the first allocations, libtorch's
    /// first calls and the JIT to be behind us (a conv step is a thousand times a LeNet step, and needs fewer).
    /// </summary>
    public static TrainingMeasurement Train(ModelFamily family, double width, DatasetSplits data, TrainingRecipe recipe,
        int iterations, int threads, int warmup = 200)
    {
        set_num_threads(threads);
        using var network = NetworkFactory.For(family, width, data);
        var init = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 0);
        using var mask = Mask.Dense(init, network.PrunableWeights);
        // The run is longer than what is timed, so neither its end-of-run evaluation nor any other lands in the timing.
        var length = new Duration(warmup + iterations + 1, DurationUnit.Iterations);
        var timed = recipe with { Duration = length, EvalInterval = length };
        using var session = new TrainingSession(network, data, timed, mask, init, dataOrderSeed: 1, startIteration: 0);
        init.DisposeAll();
        session.RunChunk(warmup);
        var (clock, start, optimizerBefore) = (Stopwatch.StartNew(), session.Iteration, session.OptimizerTime);
        var cpuStart = ThreadClock.Seconds();
        session.RunChunk(iterations);
        var cpuSeconds = ThreadClock.Seconds() - cpuStart;
        var seconds = clock.Elapsed.TotalSeconds;
        var examples = (session.Iteration - start) * recipe.BatchSize;
        var flops = 3.0 * 2.0 * network.ForwardMacsPerExample * examples;
        return new TrainingMeasurement(session.Iteration - start, examples, seconds, examples / seconds,
            flops / seconds / 1e9, session.FusedOptimizerStep, (session.OptimizerTime - optimizerBefore).TotalSeconds,
            cpuSeconds);
    }
}
