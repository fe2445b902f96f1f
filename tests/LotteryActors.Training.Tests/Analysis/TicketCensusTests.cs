using LotteryActors.Training.Analysis;
using LotteryActors.Training.Pruning;

namespace LotteryActors.Training.Tests.Analysis;

public sealed class TicketCensusTests
{
    /// <summary>The census as first written: a fixed epsilon of 0.005.</summary>
    private static readonly CensusCriteria Fixed = new(Epsilon: 0.005);

    /// <summary>
    /// Jaccard similarities between the integer mask handles of the hand-built tickets: masks 0, 1 and 4 as the
    /// comments below say, every other pair 0.3.
    /// </summary>
    private static readonly Dictionary<(int, int), double> Similarity = new()
    {
        [(0, 1)] = 0.95,
        [(0, 4)] = 0.5,
        [(1, 4)] = 0.95,
    };

    private static double Jaccard(int a, int b) =>
        a == b ? 1 : Similarity.GetValueOrDefault((Math.Min(a, b), Math.Max(a, b)), 0.3);

    /// <summary>
    /// A round judged on <paramref name="validation"/>; its test accuracy is 0.1 lower, so never mistaken for it.
    /// </summary>
    private static CensusRound<int> Round(double density, double validation, int mask = -1) =>
        new(density, validation, validation - 0.1, mask);

    /// <summary>Dense validation accuracy 0.91, so winners need 0.905 at the largest density not above 0.2.</summary>
    private static CensusWidth<int> HandWidth() => new(2.0, [0.90, 0.92],
    [
        // Winner, judged at 0.19 rather than its sparser, worse round.
        [Round(1, 0.91), Round(0.5, 0.915), Round(0.19, 0.908, 0), Round(0.1, 0.80)],
        // Winner at exactly the target density, but its mask is a near-duplicate of ticket 0's.
        [Round(1, 0.92), Round(0.2, 0.93, 1)],
        // Loser: its good round is above the target density.
        [Round(1, 0.91), Round(0.3, 0.95), Round(0.15, 0.90, 2)],
        // Never reached the target density: not a candidate.
        [Round(1, 0.91), Round(0.25, 0.95, 3)],
        // Winner with a mask unlike ticket 0's; only kept winners are compared, so its likeness to ticket 1 is moot.
        [Round(1, 0.91), Round(0.18, 0.906, 4)],
    ]);

    [Fact]
    public void Counts_candidates_winners_and_distinct_winners()
    {
        var census = TicketCensus.Count(HandWidth(), Fixed, Jaccard);

        Assert.Equal(2.0, census.Width);
        Assert.Equal(0.91, census.DenseValidationAccuracy, 12);
        Assert.Equal((2, 0.005, false), (census.DenseRuns, census.Epsilon, census.EpsilonFromDenseSpread));
        Assert.Equal(4, census.Candidates);
        Assert.Equal(3, census.Winners);
        Assert.Equal([0, 1, 4], census.WinningTickets);
        Assert.Equal(2, census.Distinct);
        Assert.Equal([0, 4], census.DistinctTickets);
        double[] winners = [0.808, 0.83, 0.806];
        Assert.Equal(winners.Average(), census.WinnerMeanAccuracy, 12);
        Assert.Equal(Statistics.SampleStandardDeviation(winners), census.WinnerAccuracyStandardDeviation, 12);
    }

    [Fact]
    public void Criteria_move_the_counts()
    {
        // Looser epsilon admits ticket 2; tau above every similarity keeps all winners.
        var loose = TicketCensus.Count(HandWidth(), new CensusCriteria(Epsilon: 0.02, Tau: 0.99), Jaccard);
        // At density 0.25 ticket 3 becomes a candidate and a winner, and ticket 2 is judged at 0.15 still.
        var denser = TicketCensus.Count(HandWidth(), Fixed with { TargetDensity = 0.25 }, Jaccard);

        Assert.Equal([0, 1, 2, 4], loose.DistinctTickets);
        Assert.Equal(5, denser.Candidates);
        Assert.Equal([0, 1, 3, 4], denser.WinningTickets);
    }

    [Fact]
    public void Winners_are_judged_on_validation_and_reported_on_test()
    {
        var width = new CensusWidth<int>(1.0, [0.90, 0.90],
        [
            [new(0.2, 0.80, 0.99, 0)],
            [new(0.2, 0.95, 0.50, 1)],
        ]);

        var census = TicketCensus.Count(width, Fixed, Jaccard);

        Assert.Equal([1], census.WinningTickets);
        Assert.Equal(0.50, census.WinnerMeanAccuracy, 12);
    }

    [Fact]
    public void Without_an_epsilon_it_is_the_dense_nets_seed_to_seed_standard_deviation()
    {
        var census = TicketCensus.Count(HandWidth(), new CensusCriteria(), Jaccard);

        // Dense 0.90 and 0.92: sd = 0.02 / sqrt(2) = 0.01414, so ticket 2 (0.90 at 0.15) now wins as well.
        Assert.Equal(0.02 / Math.Sqrt(2), census.Epsilon, 12);
        Assert.True(census.EpsilonFromDenseSpread);
        Assert.Equal([0, 1, 2, 4], census.WinningTickets);
    }

    [Fact]
    public void One_dense_run_has_no_spread_so_a_derived_epsilon_admits_no_winner()
    {
        var width = new CensusWidth<int>(1.0, [0.90], [[new(0.2, 0.99, 0.99, 0)]]);

        var census = TicketCensus.Count(width, new CensusCriteria(), Jaccard);

        Assert.True(double.IsNaN(census.Epsilon));
        Assert.Equal((1, 0), (census.Candidates, census.Winners));
    }

    [Fact]
    public void No_winners_leaves_accuracy_statistics_undefined()
    {
        var census = TicketCensus.Count(HandWidth(), Fixed with { Epsilon = -0.1 }, Jaccard);

        Assert.Equal(0, census.Winners);
        Assert.Equal(0, census.Distinct);
        Assert.True(double.IsNaN(census.WinnerMeanAccuracy));
    }

    [Fact]
    public void Real_masks_are_compared_by_overall_jaccard()
    {
        // Of 20 weights: A keeps 0-9; B keeps 0-10 (Jaccard 10/11 with A, a duplicate); C keeps 0-4 and 10-14 (5/15).
        using var a = Keeping(Enumerable.Range(0, 10));
        using var b = Keeping(Enumerable.Range(0, 11));
        using var c = Keeping(Enumerable.Range(0, 5).Concat(Enumerable.Range(10, 5)));
        var width = new CensusWidth<Mask>(1.0, [0.9],
            [[new(0.2, 0.9, 0.9, a)], [new(0.2, 0.9, 0.9, b)], [new(0.2, 0.9, 0.9, c)]]);

        var census = TicketCensus.Count(width, Fixed);

        Assert.Equal(3, census.Winners);
        Assert.Equal([0, 2], census.DistinctTickets);
    }

    private static Mask Keeping(IEnumerable<int> kept)
    {
        var values = new float[20];
        foreach (var i in kept)
            values[i] = 1;
        return HandTensors.Mask(("fc.weight", values, [20]));
    }
}
