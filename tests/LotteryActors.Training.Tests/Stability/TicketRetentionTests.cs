using LotteryActors.Training.Analysis;
using LotteryActors.Training.Stability;

namespace LotteryActors.Training.Tests.Stability;

/// <summary>
/// Ticket identity on hand-computable numbers: the census's win rule applied to fresh copies, the selection drop, the
/// nested analysis of variance and the ticket-minus-dense difference at the init level.
/// </summary>
public sealed class TicketRetentionTests
{
    // Init 0's dense net reaches 0.90 on validation, init 1's 0.88; epsilon 0.01: bars 0.89 and 0.87.
    private static readonly DenseReference Reference = new(SearchAnalyzer.ConvergedSource,
        [new InitReference(0, 0.90), new InitReference(1, 0.88)], 0.01, 4, 2, 0.01, EpsilonFromSpread: false);

    private static readonly RetentionInput[] Tickets =
    [
        // A won (0.895 >= 0.89); one fresh copy of three still does.
        new("w0-t0", 0, 0.895, 0.87, [0.885, 0.891, 0.889], [0.88, 0.87, 0.86], [0.87, 0.87, 0.85]),
        // B lost (0.88 < 0.89); two fresh copies win.
        new("w0-t1", 0, 0.880, 0.86, [0.893, 0.887, 0.890], [0.85, 0.86, 0.87], [0.86, 0.86, 0.86]),
        // C won against init 1's own bar (0.875 >= 0.87, though below init 0's); two fresh copies do.
        new("w0-t2", 1, 0.875, 0.86, [0.860, 0.872, 0.880], [0.85, 0.85, 0.85], [0.84, 0.84, 0.84]),
        // D lost; no fresh copy wins.
        new("w0-t3", 1, 0.860, 0.85, [0.850, 0.860, 0.865], [0.84, 0.84, 0.84], [0.84, 0.84, 0.84]),
    ];

    private static TicketRetention Analyze() => TicketRetention.Analyze(0, 1.0, 7, 0.21, Tickets, Reference, 0.005);

    [Fact]
    public void Winners_and_fresh_wins_follow_each_inits_own_bar()
    {
        var result = Analyze();

        Assert.Equal([true, false, true, false], result.Tickets.Select(t => t.WonOriginally));
        Assert.Equal([1, 2, 2, 0], result.Tickets.Select(t => t.FreshWins));
        Assert.Equal((2, 6, 3, 0.5), (result.Winners.Tickets, result.Winners.Copies, result.Winners.FreshWins,
            result.Winners.FreshWinFraction));
        Assert.Equal((2, 6, 2), (result.Others.Tickets, result.Others.Copies, result.Others.FreshWins));
        Assert.Equal(1.0 / 3, result.Others.FreshWinFraction, 12);
        Assert.Equal(0.01, result.Epsilon);
    }

    [Fact]
    public void Selection_drop_is_the_journaled_run_minus_the_fresh_copies_mean()
    {
        var result = Analyze();

        Assert.Equal([0.895 - 0.888333333333, 0.880 - 0.89, 0.875 - 0.870666666667, 0.860 - 0.858333333333],
            result.Tickets.Select(t => t.SelectionDrop), new ToleranceComparer(1e-9));
        Assert.Equal((0.006666666667 + 0.004333333333) / 2, result.Winners.MeanSelectionDrop, 9);
        Assert.Equal((-0.01 + 0.001666666667) / 2, result.Others.MeanSelectionDrop, 9);
        Assert.Equal([0.87, 0.86, 0.86, 0.85], result.Tickets.Select(t => t.OriginalTestAccuracy));
        Assert.Equal([0.87, 0.86, 0.85, 0.84], result.Tickets.Select(t => t.FreshTestMean),
            new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Ticket_minus_dense_pairs_copies_by_order_and_summarises_over_inits()
    {
        var difference = Analyze().TicketMinusDense!;

        // Init 0: (0.01, 0, 0.01, -0.01, 0, 0.01) mean 1/300; init 1: (0.01 x 3, 0 x 3) mean 0.005.
        Assert.Equal([1.0 / 300, 0.005], difference.ByInit.Select(Statistics.Mean), new ToleranceComparer(1e-12));
        Assert.Equal(2, difference.Difference.N);
        Assert.Equal((1.0 / 300 + 0.005) / 2, difference.Difference.Mean, 12);
        Assert.Equal(0.005, difference.Margin);
    }

    [Fact]
    public void Round_zero_has_no_dense_pairing()
    {
        var dense = Tickets.Select(t => t with { DenseTest = [] }).ToList();

        Assert.Null(TicketRetention.Analyze(0, 1.0, 0, 1.0, dense, Reference, 0.005).TicketMinusDense);
    }

    [Fact]
    public void Mask_effect_is_between_ticket_over_within_ticket_variance_with_tickets_nested_in_inits()
    {
        // Init 0: tickets (1, 2, 3) and (3, 4, 5): between 3 (1 + 1) = 6, within 2 + 2. Init 1: two tickets
        // (2, 3, 4): between 0, within 4. MSB = 6 / 2 = 3, MSW = 8 / 8 = 1, F(2, 8) = 3 with upper tail
        // (1 + 2 F / 8)^-4 = 1.75^-4; the mask's component (3 - 1) / 3, its share (2/3) / (2/3 + 1) = 0.4.
        var effect = TicketRetention.Effect(
        [
            (0, [1.0, 2, 3]), (0, [3.0, 4, 5]), (1, [2.0, 3, 4]), (1, [2.0, 3, 4]),
        ]);

        Assert.Equal((3.0, 2, 8), (effect.F, effect.BetweenDegreesOfFreedom, effect.WithinDegreesOfFreedom));
        Assert.Equal(Math.Pow(1.75, -4), effect.P, 9);
        Assert.Equal(0.4, effect.MaskShare, 12);
    }

    [Fact]
    public void Mask_effect_needs_two_tickets_in_an_init_and_two_copies_of_a_ticket()
    {
        var oneTicketEach = TicketRetention.Effect([(0, [1.0, 2]), (1, [3.0, 4])]);
        var oneCopyEach = TicketRetention.Effect([(0, [1.0]), (0, [2.0])]);

        Assert.True(double.IsNaN(oneTicketEach.F) && double.IsNaN(oneTicketEach.P));
        Assert.Equal(0, oneTicketEach.BetweenDegreesOfFreedom);
        Assert.True(double.IsNaN(oneCopyEach.F));
        Assert.Equal(0, oneCopyEach.WithinDegreesOfFreedom);
    }

    [Fact]
    public void Mask_effect_ignores_differences_between_inits()
    {
        // The same two tickets' copies, one init shifted by 10: a shift between inits is not a mask effect.
        var level = TicketRetention.Effect([(0, [1.0, 2, 3]), (0, [3.0, 4, 5]), (1, [1.0, 2, 3]), (1, [3.0, 4, 5])]);
        var shifted = TicketRetention.Effect([(0, [1.0, 2, 3]), (0, [3.0, 4, 5]), (1, [11.0, 12, 13]),
            (1, [13.0, 14, 15])]);

        Assert.Equal(level.F, shifted.F, 12);
        Assert.Equal(6.0, level.F, 12);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
