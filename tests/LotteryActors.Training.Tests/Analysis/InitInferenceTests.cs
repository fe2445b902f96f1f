using LotteryActors.Training.Analysis;

namespace LotteryActors.Training.Tests.Analysis;

/// <summary>
/// Fixtures with closed forms: with 1 degree of freedom t is Cauchy, P(T &lt;= t) = 1/2 + atan(t) / pi; with 2,
/// P(T &lt;= t) = 1/2 + t / (2 sqrt(2 + t^2)).
/// </summary>
public sealed class InitInferenceTests
{
    private static double TwoDfTail(double t) => 0.5 - t / (2 * Math.Sqrt(2 + t * t));

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.3)]
    [InlineData(12.7062)]
    public void The_t_distribution_with_one_degree_of_freedom_is_Cauchy(double t) =>
        Assert.Equal(0.5 + Math.Atan(t) / Math.PI, StudentT.Cdf(t, 1), 10);

    [Theory]
    [InlineData(0.5)]
    [InlineData(-2.0)]
    [InlineData(4.3027)]
    public void The_t_distribution_with_two_degrees_of_freedom_has_its_closed_form(double t) =>
        Assert.Equal(1 - TwoDfTail(t), StudentT.Cdf(t, 2), 10);

    [Fact]
    public void The_tabled_quantile_leaves_two_and_a_half_percent_in_the_tail() =>
        Assert.Equal(0.975, StudentT.Cdf(StudentT.Quantile975(9), 9), 4);

    [Fact]
    public void The_paired_t_test_is_taken_over_init_means_not_over_tickets()
    {
        // Init means 0.1, 0.2, 0.3: mean 0.2, sd 0.1, standard error 0.1 / sqrt(3), t = 2 sqrt(3) with 2 df. The
        // tickets inside each init do not add degrees of freedom: 12 tickets would make t far larger.
        var byInit = new[] { Four(0.1), Four(0.2), Four(0.3) };
        var t = 2 * Math.Sqrt(3);

        var result = InitInference.Compare(byInit, margin: 0.5);

        Assert.Equal(3, result.Difference.N);
        Assert.Equal(0.2, result.Difference.Mean, 12);
        Assert.Equal(2 * TwoDfTail(t), result.TwoSidedP, 10);
    }

    [Fact]
    public void Equivalence_needs_both_one_sided_tests_inside_the_margin()
    {
        // se = 0.1 / sqrt(3). Margin 0.5: the upper test has t = (0.2 - 0.5) / se = -3 sqrt(3), the lower one a far
        // larger t, so the TOST p is the upper test's. Margin 0.3: t = -sqrt(3), p = 0.113, not shown equivalent.
        var means = new[] { 0.1, 0.2, 0.3 };

        Assert.Equal(TwoDfTail(3 * Math.Sqrt(3)), InitInference.TostP(means, 0.5), 10);
        Assert.Equal(TwoDfTail(Math.Sqrt(3)), InitInference.TostP(means, 0.3), 10);
        Assert.True(InitInference.TostP(means, 0.5) < 0.05);
        Assert.True(InitInference.TostP(means, 0.3) > 0.05);
    }

    [Fact]
    public void A_difference_whose_interval_includes_zero_is_not_thereby_equivalent()
    {
        // Means -1, +1 (df 1, se 1): mean 0, so no difference is detected (p = 1), yet each one-sided test has
        // t = -0.5 and p = 1/2 - atan(0.5) / pi = 0.35: nowhere near equivalence at margin 0.5.
        var means = new[] { -1.0, 1.0 };

        Assert.Equal(1.0, InitInference.PairedTwoSidedP(means), 12);
        Assert.Equal(0.5 - Math.Atan(0.5) / Math.PI, InitInference.TostP(means, 0.5), 10);
    }

    [Fact]
    public void The_cluster_bootstrap_resamples_whole_inits()
    {
        // Two inits of ten tickets, all 0 in one and all 1 in the other. A resample of inits is 0, 1/2 or 1; a
        // bootstrap over the 20 tickets would give a narrow interval around 1/2 instead.
        var byInit = new[] { Enumerable.Repeat(0.0, 10).ToArray(), Enumerable.Repeat(1.0, 10).ToArray() };

        var interval = InitInference.ClusterBootstrap(byInit, resamples: 2000, seed: 7);

        Assert.Equal(0.5, interval.Estimate, 12);
        Assert.Equal(0.0, interval.Lower, 12);
        Assert.Equal(1.0, interval.Upper, 12);
    }

    [Fact]
    public void The_cluster_bootstrap_is_the_same_for_the_same_seed()
    {
        var byInit = new[] { new[] { 0.1, 0.3 }, [0.2], [0.6, 0.7, 0.8], [0.05] };

        Assert.Equal(InitInference.ClusterBootstrap(byInit, 500, seed: 3),
            InitInference.ClusterBootstrap(byInit, 500, seed: 3));
    }

    [Fact]
    public void One_init_gives_no_p_value_and_no_interval()
    {
        var result = InitInference.Compare([[0.1, 0.2, 0.3]], margin: 0.5);

        Assert.True(double.IsNaN(result.TwoSidedP) && double.IsNaN(result.TostP));
        Assert.True(double.IsNaN(result.Bootstrap.Lower) && double.IsNaN(result.Bootstrap.Upper));
    }

    [Fact]
    public void Holm_multiplies_the_smallest_p_by_the_family_size_and_never_lets_adjusted_values_fall()
    {
        // Sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04, raised to 0.06.
        var adjusted = InitInference.Holm([0.01, 0.04, 0.03, 0.005]);

        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(p => Math.Round(p, 12)));
    }

    [Fact]
    public void Holm_counts_an_untestable_member_in_the_family_and_caps_at_one()
    {
        var adjusted = InitInference.Holm([0.02, double.NaN, 0.6]);

        Assert.Equal(0.06, adjusted[0], 12);
        Assert.True(double.IsNaN(adjusted[1]));
        Assert.Equal(1.0, adjusted[2]);
    }

    private static double[] Four(double value) => [value, value, value, value];
}
