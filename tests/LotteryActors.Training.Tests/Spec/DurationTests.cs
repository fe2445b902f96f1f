using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Tests.Spec;

public sealed class DurationTests
{
    [Theory]
    [InlineData("20ep", 20, DurationUnit.Epochs)]
    [InlineData("500it", 500, DurationUnit.Iterations)]
    [InlineData("0it", 0, DurationUnit.Iterations)]
    [InlineData("  7ep ", 7, DurationUnit.Epochs)]
    public void TryParse_reads_the_count_and_the_unit(string text, int value, DurationUnit unit)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(new Duration(value, unit), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("20")]
    [InlineData("ep")]
    [InlineData("it")]
    [InlineData("20EP")]
    [InlineData("20 ep")]
    [InlineData("-5ep")]
    [InlineData("+5ep")]
    [InlineData("1.5ep")]
    [InlineData("1e3it")]
    [InlineData("20epochs")]
    [InlineData("tenit")]
    [InlineData("99999999999it")]
    public void TryParse_refuses_anything_else_and_leaves_zero(string text)
    {
        Assert.False(Duration.TryParse(text, out var duration));
        Assert.Equal(Duration.Zero, duration);
    }

    [Fact]
    public void Epochs_convert_to_iterations_per_epoch_times_the_count()
    {
        Assert.Equal(1000, new Duration(20, DurationUnit.Epochs).ToIterations(50));
    }

    [Fact]
    public void Iterations_ignore_the_epoch_length()
    {
        Assert.Equal(500, new Duration(500, DurationUnit.Iterations).ToIterations(50));
    }

    [Fact]
    public void ToIterations_refuses_to_overflow()
    {
        Assert.Throws<OverflowException>(() => new Duration(int.MaxValue, DurationUnit.Epochs).ToIterations(2));
    }

    [Theory]
    [InlineData("20ep")]
    [InlineData("500it")]
    public void ToString_writes_what_TryParse_reads(string text)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(text, duration.ToString());
    }
}
