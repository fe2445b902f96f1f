using LotteryActors.Benchmarks.Training;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Benchmarks;

public sealed class ThroughputTests
{
    /// <summary>The update is timed inside real steps, as a part of the window; how the two compare is the bench's
    /// to report, not a test's to time.</summary>
    [Fact]
    public void A_trainers_window_reports_the_part_its_optimizers_update_took()
    {
        using var data = SyntheticData.Splits();
        var recipe = SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01);

        var adam = Throughput.Train(ModelFamily.Lenet300100, 1.0, data, recipe, iterations: 300, threads: 1);
        var sgd = Throughput.Train(ModelFamily.Lenet300100, 1.0, data,
            recipe with { Optimizer = OptimizerKind.Sgd, Momentum = 0.9 }, iterations: 300, threads: 1);

        Assert.All([adam, sgd], m =>
        {
            Assert.True(m.FusedOptimizerStep);
            Assert.Equal(300, m.Iterations);
            Assert.InRange(m.OptimizerSeconds, 1e-6, m.Seconds);
        });
    }
}
