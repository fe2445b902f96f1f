using LotteryActors.Training.Analysis;

namespace LotteryActors.Training.Tests.Analysis;

public sealed class SeedSummaryTests
{
    [Fact]
    public void Three_inits_give_a_t_interval_with_two_degrees_of_freedom()
    {
        // Mean 0.88, sd 0.01 (deviations -0.01, 0, +0.01); half-width t(0.975, 2) x 0.01 / sqrt(3) = 0.0248417.
        var summary = SeedSummary.Of("init", [0.87, 0.88, 0.89]);

        Assert.Equal(("init", 3), (summary.Unit, summary.N));
        Assert.Equal(0.88, summary.Mean, 12);
        Assert.Equal(0.01, summary.StandardDeviation, 12);
        Assert.Equal(0.88 - 0.0248417, summary.Lower, 6);
        Assert.Equal(0.88 + 0.0248417, summary.Upper, 6);
        Assert.True(summary.ExcludesZero);
    }

    [Fact]
    public void One_value_has_a_mean_but_no_spread_and_no_interval()
    {
        var summary = SeedSummary.Of("init", [0.9]);

        Assert.Equal(0.9, summary.Mean);
        Assert.True(double.IsNaN(summary.StandardDeviation));
        Assert.True(double.IsNaN(summary.Lower) && double.IsNaN(summary.Upper));
        Assert.False(summary.ExcludesZero);
    }

    [Fact]
    public void An_interval_that_straddles_zero_does_not_exclude_it()
    {
        Assert.False(SeedSummary.Of("init", [-0.01, 0.02]).ExcludesZero);
        Assert.True(SeedSummary.Of("init", [-0.03, -0.02, -0.025]).ExcludesZero);
    }

    [Theory]
    [InlineData(1, 12.7062)]
    [InlineData(2, 4.3027)]
    [InlineData(9, 2.2622)]
    [InlineData(30, 2.0423)]
    [InlineData(40, 2.0211)]
    [InlineData(120, 1.9799)]
    public void Student_t_quantiles_match_the_table(int degreesOfFreedom, double expected) =>
        Assert.Equal(expected, StudentT.Quantile975(degreesOfFreedom), 3);

    [Fact]
    public void Student_t_needs_a_degree_of_freedom() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Quantile975(0));
}
