using LotteryActors.Benchmarks.Training;
using LotteryActors.Training.Models;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Benchmarks;

public sealed class ConvTrainerBenchmarkTests
{
    /// <summary>Conv-2 at width 1/8 on the synthetic data, Adam, 2 iterations a window, no time for the GEMM.
    /// </summary>
    private static ConvTrainerBenchmark Conv2(int repeats)
    {
        using var data = SyntheticData.Splits();
        return ConvTrainerBenchmark.Measure(ModelFamily.Conv2, 0.125, data, SyntheticSpec.Recipe(OptimizerKind.Adam,
            0.01), iterations: 2, repeats, TimeSpan.Zero);
    }

    /// <summary>Every repeat holds its own ceiling and its own trainer window, both on the wall clock and on the
    /// thread's CPU clock, and the share is the fastest trainer over the fastest ceiling, FLOPs counted as the fully
    /// connected trainer's are (6 per multiply-add of the forward pass, per example).</summary>
    [Fact]
    public void Each_repeat_pairs_a_gemm_with_a_conv_trainer_window_on_both_clocks()
    {
        var bench = Conv2(repeats: 2);

        using var network = NetworkFactory.Create(ModelFamily.Conv2, 0.125, SyntheticData.ExampleShape,
            SyntheticData.Classes);
        Assert.Equal(network.ForwardMacsPerExample, bench.ForwardMacsPerExample);
        Assert.Equal(2, bench.Repeats.Count);
        Assert.All(bench.Repeats, r =>
        {
            Assert.Equal(1, r.Gemm.Threads);
            Assert.InRange(r.Gemm.CpuSeconds!.Value, 1e-6, r.Gemm.Seconds + 1e-3);
            Assert.Equal(2, r.Trainer.Iterations);
            Assert.InRange(r.Trainer.CpuSeconds, 1e-6, r.Trainer.Seconds + 1e-3);
            Assert.Equal(6.0 * bench.ForwardMacsPerExample * r.Trainer.Examples / r.Trainer.Seconds / 1e9,
                r.Trainer.GflopsPerSecond, 6);
        });
        Assert.Equal(bench.Repeats.Max(r => r.Trainer.GflopsPerSecond) / bench.Repeats.Max(r => r.Gemm.GflopsPerSecond),
            bench.ShareOfOneThreadGemm, 12);
    }

    /// <summary>The bench's stacked conv trainer: K = 1 and 4 members of the same Conv-2, alone and as one stack of
    /// grouped convolutions, their throughput in total and per member, and one step's agreement with training alone.
    /// </summary>
    [Fact]
    public void The_conv_trainer_is_measured_stacked_at_one_and_four_members()
    {
        var bench = Conv2(repeats: 1);

        Assert.Equal([1, 4], bench.Stacked.Select(s => s.Members));
        Assert.All(bench.Stacked, s =>
        {
            Assert.True(s.SeparateExamplesPerSecond > 0 && s.StackedExamplesPerSecond > 0);
            Assert.True(s.SeparateCpuExamplesPerSecond > 0 && s.StackedCpuExamplesPerSecond > 0);
            Assert.Equal(s.StackedExamplesPerSecond / s.Members, s.StackedExamplesPerSecondPerMember, 12);
            Assert.InRange(s.FirstStepLargestDifference, 0, 1e-5);
        });
    }
}
