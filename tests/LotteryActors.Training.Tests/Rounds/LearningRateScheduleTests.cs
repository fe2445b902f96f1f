using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Rounds;

public sealed class LearningRateScheduleTests
{
    private const int IterationsPerEpoch = 10;

    private static LearningRateSchedule Schedule(LrSchedule kind, Duration warmup, params Duration[] milestones) =>
        new(SyntheticSpec.Recipe(learningRate: 0.1) with { LrSchedule = kind, Warmup = warmup, Milestones = milestones, Gamma = 0.1 },
            IterationsPerEpoch);

    [Theory]
    [InlineData(0, 0.025)]
    [InlineData(1, 0.05)]
    [InlineData(2, 0.075)]
    [InlineData(3, 0.1)]
    [InlineData(4, 0.1)]
    [InlineData(1000, 0.1)]
    public void Warmup_rises_linearly_to_the_base_rate(int iteration, double expected)
    {
        var schedule = Schedule(LrSchedule.Constant, new Duration(4, DurationUnit.Iterations));

        Assert.Equal(expected, schedule.At(iteration), 12);
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(9, 0.1)]
    [InlineData(10, 0.01)]
    [InlineData(24, 0.01)]
    [InlineData(25, 0.001)]
    [InlineData(500, 0.001)]
    public void Step_multiplies_by_gamma_at_each_milestone_passed_in_any_order(int iteration, double expected)
    {
        var schedule = Schedule(LrSchedule.Step, Duration.Zero, new Duration(25, DurationUnit.Iterations), new Duration(1, DurationUnit.Epochs));

        Assert.Equal(expected, schedule.At(iteration), 12);
    }

    [Theory]
    [InlineData(0, 0.05)]
    [InlineData(1, 0.01)]
    [InlineData(2, 0.01)]
    public void Warmup_and_step_combine(int iteration, double expected)
    {
        var schedule = Schedule(LrSchedule.Step, new Duration(2, DurationUnit.Iterations), new Duration(1, DurationUnit.Iterations));

        Assert.Equal(expected, schedule.At(iteration), 12);
    }

    [Fact]
    public void Constant_schedule_ignores_milestones()
    {
        var schedule = Schedule(LrSchedule.Constant, Duration.Zero, new Duration(1, DurationUnit.Iterations));

        Assert.Equal(0.1, schedule.At(50));
    }

    [Fact]
    public void Warmup_in_epochs_scales_with_the_epoch_length()
    {
        var schedule = Schedule(LrSchedule.Constant, new Duration(1, DurationUnit.Epochs));

        Assert.Equal(0.01, schedule.At(0), 12);
        Assert.Equal(0.1, schedule.At(9), 12);
    }
}
