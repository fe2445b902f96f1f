using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
using LotteryActors.Training.Spec;

namespace LotteryActors.Benchmarks.Training;

/// <summary>One repeat: the 1-thread GEMM, then the conv trainer at once after it, so a load that comes and goes
/// meets both alike.</summary>
public sealed record ConvRepeat(GemmMeasurement Gemm, TrainingMeasurement Trainer)
{
    public double ShareOfOneThreadGemm => Trainer.GflopsPerSecond / Gemm.GflopsPerSecond;

    /// <summary>The same share by the thread's CPU clock: what is left of it on a machine others load.</summary>
    public double? CpuShareOfOneThreadGemm => Trainer.CpuGflopsPerSecond / Gemm.CpuGflopsPerSecond;
}

/// <summary>
/// A conv net's trainer against the 1-thread GEMM, reported like the fully connected trainer's
/// (<see cref="TrainerBenchmark"/>): FLOPs counted as 3x the dense forward pass (<see cref="Throughput"/>), the
/// ceiling measured in the same run. The two alternate, repeat by repeat; the share is the fastest trainer over the
/// fastest GEMM, and each repeat's own ratio is kept for the spread. At full width, where the README's Conv-2 trained
/// at about 100 examples/s; a conv step costs about a thousand LeNet steps, so the windows are counted in tens of
/// iterations. <see cref="Stacked"/> is the same trainer stacked (grouped convolutions), measured once after the
/// repeats: K members alone one after another and as one stack, for each K of <see cref="StackSizes"/>.
/// </summary>
public sealed record ConvTrainerBenchmark(
    string Model, double Width, string Optimizer, int BatchSize, long ForwardMacsPerExample,
    IReadOnlyList<ConvRepeat> Repeats, IReadOnlyList<StackedMeasurement> Stacked)
{
    private const int Warmup = 3;
    private const int Iterations = 20;
    public static readonly IReadOnlyList<int> StackSizes = [1, 4];
    private static readonly TimeSpan GemmBudget = TimeSpan.FromSeconds(1);

    /// <summary>What <c>lottery bench</c> measures: full-width Conv-2 and Conv-4 with the spec's recipe, 20 timed
    /// iterations a repeat.</summary>
    public static IReadOnlyList<ConvTrainerBenchmark> Conv2AndConv4(DatasetSplits data, TrainingRecipe recipe,
        int repeats) =>
        [
            Measure(ModelFamily.Conv2, 1.0, data, recipe, Iterations, repeats, GemmBudget),
            Measure(ModelFamily.Conv4, 1.0, data, recipe, Iterations, repeats, GemmBudget),
        ];

    public double ShareOfOneThreadGemm =>
        Repeats.Max(r => r.Trainer.GflopsPerSecond) / Repeats.Max(r => r.Gemm.GflopsPerSecond);

    public double? CpuShareOfOneThreadGemm =>
        Repeats.Max(r => r.Trainer.CpuGflopsPerSecond) / Repeats.Max(r => r.Gemm.CpuGflopsPerSecond);

    public double ExamplesPerSecond => Repeats.Max(r => r.Trainer.ExamplesPerSecond);

    public static ConvTrainerBenchmark Measure(ModelFamily family, double width, DatasetSplits data,
        TrainingRecipe recipe, int iterations, int repeats, TimeSpan gemmBudget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        using var network = NetworkFactory.For(family, width, data);
        var runs = Enumerable.Range(0, repeats).Select(_ => new ConvRepeat(
            Throughput.Gemm(2048, 1, gemmBudget),
            Throughput.Train(family, width, data, recipe, iterations, 1, Warmup))).ToList();
        var stacked = StackedThroughput.Measure(width, data, recipe, StackSizes, iterations, family, Warmup);
        return new ConvTrainerBenchmark(SpecNames.Of(family), width, SpecNames.Of(recipe.Optimizer),
            recipe.BatchSize, network.ForwardMacsPerExample, runs, stacked);
    }
}
