using LotteryActors.Training.Analysis;

namespace LotteryActors.Training.Tests.Analysis;

public sealed class StatisticsTests
{
    private static bool[] Outcomes(int examples, int correct) =>
        Enumerable.Range(0, examples).Select(i => i < correct).ToArray();

    [Fact]
    public void Mean_and_sample_standard_deviation()
    {
        Assert.Equal(2.5, Statistics.Mean([1.0, 2, 3, 4]));
        // Squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5 over n - 1 = 3.
        Assert.Equal(Math.Sqrt(5.0 / 3), Statistics.SampleStandardDeviation([1.0, 2, 3, 4]), 12);
        Assert.True(double.IsNaN(Statistics.SampleStandardDeviation([1.0])));
        Assert.True(double.IsNaN(Statistics.Mean([])));
    }

    [Fact]
    public void Pooled_standard_deviation_drops_each_groups_mean()
    {
        // Squares about each group's mean: 2 + 0 (one value) + 8, over 1 + 0 + 2 degrees of freedom.
        var (sd, degrees) = Statistics.PooledStandardDeviation([[1.0, 3], [100.0], [10.0, 12, 14]]);

        Assert.Equal(Math.Sqrt(10.0 / 3), sd, 12);
        Assert.Equal(3, degrees);
        Assert.True(double.IsNaN(Statistics.PooledStandardDeviation([[1.0], [2.0]]).StandardDeviation));
    }

    [Theory]
    [InlineData(5, 10, 0.2366, 0.7634)]
    [InlineData(0, 10, 0.0, 0.2775)]
    [InlineData(10, 10, 0.7225, 1.0)]
    [InlineData(3, 4, 0.3006, 0.9544)]
    public void Wilson_interval_matches_the_textbook_values(int successes, int trials, double lower, double upper)
    {
        var interval = Statistics.WilsonInterval(successes, trials);

        Assert.Equal(lower, interval.Lower, 4);
        Assert.Equal(upper, interval.Upper, 4);
        Assert.True(interval.Lower is >= 0 and <= 1 && interval.Upper is >= 0 and <= 1, $"{interval}");
    }

    [Fact]
    public void Wilson_interval_reaches_0_and_1_exactly_at_no_and_all_successes()
    {
        Assert.Equal(0.0, Statistics.WilsonInterval(0, 12).Lower);
        Assert.Equal(1.0, Statistics.WilsonInterval(12, 12).Upper);
    }

    [Fact]
    public void Quantile_interpolates_between_order_statistics()
    {
        Assert.Equal(2.5, Statistics.Quantile([1.0, 2, 3, 4], 0.5));
        Assert.Equal(1.75, Statistics.Quantile([1.0, 2, 3, 4], 0.25));
        Assert.Equal(4.0, Statistics.Quantile([1.0, 2, 3, 4], 1));
    }

    [Fact]
    public void Accuracy_interval_surrounds_the_estimate_at_about_the_binomial_width()
    {
        var interval = Statistics.AccuracyInterval(Outcomes(100, 80), seed: 1);

        Assert.Equal(0.8, interval.Estimate, 12);
        Assert.True(interval.Lower < 0.8 && 0.8 < interval.Upper, $"{interval}");
        // Normal approximation: 2 * 1.96 * sqrt(0.8 * 0.2 / 100) = 0.157.
        Assert.InRange(interval.Upper - interval.Lower, 0.12, 0.19);
    }

    [Fact]
    public void Accuracy_interval_is_deterministic_per_seed()
    {
        var outcomes = Outcomes(200, 150);

        Assert.Equal(Statistics.AccuracyInterval(outcomes, seed: 3), Statistics.AccuracyInterval(outcomes, seed: 3));
        Assert.NotEqual(Statistics.AccuracyInterval(outcomes, seed: 3), Statistics.AccuracyInterval(outcomes, seed: 4));
    }

    [Fact]
    public void Accuracy_interval_narrows_with_more_examples()
    {
        var small = Statistics.AccuracyInterval(Outcomes(100, 80), seed: 5);
        var large = Statistics.AccuracyInterval(Outcomes(10_000, 8_000), seed: 5);

        Assert.True(large.Upper - large.Lower < (small.Upper - small.Lower) / 5, $"{small} vs {large}");
        Assert.True(large.Contains(0.8));
    }

    [Fact]
    public void Identical_classifiers_differ_by_zero_within_noise()
    {
        var outcomes = Outcomes(500, 321);

        var paired = Statistics.PairedAccuracyDifference(outcomes, outcomes, seed: 2);

        Assert.Equal(new BootstrapInterval(0, 0, 0), paired.Difference);
        Assert.True(paired.WithinNoise);
    }

    [Fact]
    public void A_large_paired_gap_is_not_noise_and_a_single_flip_is()
    {
        var better = Outcomes(1000, 1000);
        var worse = Outcomes(1000, 500);
        var oneFlip = Outcomes(1000, 999);

        var clear = Statistics.PairedAccuracyDifference(better, worse, seed: 2);
        var noise = Statistics.PairedAccuracyDifference(better, oneFlip, seed: 2);

        Assert.Equal(0.5, clear.Difference.Estimate, 12);
        Assert.False(clear.WithinNoise);
        Assert.Equal(0.001, noise.Difference.Estimate, 12);
        Assert.True(noise.WithinNoise, $"{noise}");
    }
}
