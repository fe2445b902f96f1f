using LotteryActors.Benchmarks.Training;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Benchmarks;

public sealed class StackedThroughputTests
{
    /// <summary>On the CPU members stacked stay within float tolerance of their separate runs, as
    /// StackedSessionTests require of the session itself.</summary>
    [Fact]
    public void Each_stack_size_reports_throughput_and_how_far_its_members_ended_from_their_separate_runs()
    {
        using var data = SyntheticData.Splits();

        var measured = StackedThroughput.Measure(0.25, data, SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01), [1, 3],
            iterations: 20);

        Assert.Equal([1, 3], measured.Select(m => m.Members));
        Assert.All(measured, m =>
        {
            Assert.True(m.SeparateExamplesPerSecond > 0 && m.StackedExamplesPerSecond > 0);
            Assert.InRange(m.FirstStepLargestDifference, 0, 1e-5);
            Assert.InRange(m.RelativeDifferenceAfterTimedSteps, 0, 1e-3);
        });
    }
}
