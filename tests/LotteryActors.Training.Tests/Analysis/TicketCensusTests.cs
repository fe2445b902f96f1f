using LotteryActors.Training.Analysis;
using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Tests.Analysis;

/// <summary>
/// The census on a hand-built width of 2 inits with 2 tickets each. Init 0's converged baseline scores 0.90 on
/// validation and init 1's 0.80; their round-0 nets (3 data orders each) score 0.84, 0.85, 0.86 and 0.74, 0.75,
/// 0.76, so the within-init spread is 0.01 while the spread of all six is 0.055. Masks are integer handles whose
/// Jaccard the table below gives.
/// </summary>
public sealed class TicketCensusTests
{
    private static readonly Dictionary<(int, int), double> Similarity = new()
    {
        [(0, 2)] = 0.3,
        [(0, 3)] = 0.3,
        [(2, 3)] = 0.6,
    };

    private static double Jaccard(int a, int b) =>
        a == b ? 1 : Similarity.GetValueOrDefault((Math.Min(a, b), Math.Max(a, b)), 0.2);

    private static readonly CensusDense[] Converged =
    [
        new(0, 0.90, [0.84, 0.85, 0.86]),
        new(1, 0.80, [0.74, 0.75, 0.76]),
    ];

    /// <summary>A ticket's round: test accuracy 0.1 below validation, so the two are never mixed up.</summary>
    private static CensusRun<int> Ticket(int ticket, double validation) =>
        new(RunKind.Ticket, ticket, ticket / 2, validation, validation - 0.1, ticket);

    private static CensusRun<int> Control(RunKind kind, int ticket, double validation) =>
        new(kind, ticket, ticket / 2, validation, validation - 0.2, -1);

    /// <summary>
    /// Own-init references with epsilon 0.01: ticket 0 (0.895 of 0.90) wins, ticket 1 (0.85 of 0.90) loses,
    /// tickets 2 (0.795 of 0.80) and 3 (0.82) win. Judged by the other init's baseline instead, 0 and 1 would win
    /// and 2 and 3 lose.
    /// </summary>
    private static CensusLevel<int> Level(int round, double density) => new(round, density,
    [
        Ticket(0, 0.895), Ticket(1, 0.85), Ticket(2, 0.795), Ticket(3, 0.82),
        Control(RunKind.RandomReinit, 0, 0.80), Control(RunKind.RandomReinit, 2, 0.80),
    ]);

    private static CensusCount Single(IReadOnlyList<CensusDense> dense, CensusCriteria? criteria = null,
        double density = 0.2, Func<int, int, double>? jaccard = null) =>
        Assert.Single(TicketCensus.Count(new CensusWidth<int>(1.0, dense, [Level(7, density)]),
            criteria ?? new CensusCriteria(), jaccard ?? Jaccard));

    [Fact]
    public void Tickets_are_judged_against_the_converged_baseline_of_their_own_init()
    {
        var census = Single(Converged);

        Assert.Equal(SearchAnalyzer.ConvergedSource, census.Reference.Source);
        Assert.Equal([0.90, 0.80], census.Reference.Inits.Select(i => i.ValidationAccuracy));
        Assert.Equal([0, 2, 3], census.WinningTickets);
        Assert.Equal((4, 3), (census.Candidates, census.Winners.Count));
        Assert.Equal([(0, 2, 1), (1, 2, 2)], census.Inits.Select(i => (i.Init, i.Candidates, i.Winners)));

        // The same runs judged against the other init's baseline: a different census.
        var swapped = Single([
            Converged[0] with { ConvergedValidationAccuracy = 0.80 }, Converged[1] with { ConvergedValidationAccuracy = 0.90 }]);
        Assert.Equal([0, 1], swapped.WinningTickets);
    }

    [Fact]
    public void Without_converged_baselines_every_init_gets_the_mean_of_all_round_zero_nets_and_says_so()
    {
        // Init 1 has no converged baseline, so neither init uses one: mixing the two rules would judge unevenly.
        var census = Single([Converged[0], Converged[1] with { ConvergedValidationAccuracy = null }]);

        Assert.Equal(DenseReference.RoundZeroAllInitsSource, census.Reference.Source);
        Assert.All(census.Reference.Inits, i => Assert.Equal(0.80, i.ValidationAccuracy, 12));
        Assert.Equal([0, 1, 2, 3], census.WinningTickets);
    }

    [Fact]
    public void Epsilon_is_the_round_zero_spread_pooled_within_inits()
    {
        var census = Single(Converged);

        // Squares 0.0002 per init over 2 + 2 degrees of freedom: sqrt(0.0001). The sd of all six values, 0.055, would
        // also admit ticket 1 (0.85 of 0.90).
        Assert.Equal(0.01, census.Reference.Spread, 12);
        Assert.Equal((6, 4), (census.Reference.SpreadRuns, census.Reference.SpreadDegreesOfFreedom));
        Assert.Equal(0.01, census.Reference.Epsilon, 12);
        Assert.True(census.Reference.EpsilonFromSpread);
        Assert.DoesNotContain(1, census.WinningTickets);
    }

    [Fact]
    public void A_given_epsilon_replaces_the_spread()
    {
        var census = Single(Converged, new CensusCriteria(Epsilon: 0));

        Assert.False(census.Reference.EpsilonFromSpread);
        Assert.Equal(0.01, census.Reference.Spread, 12);
        Assert.True(census.Judged);
        Assert.Equal([3], census.WinningTickets);
    }

    [Fact]
    public void One_round_zero_net_per_init_has_no_spread_so_a_derived_epsilon_admits_no_winner()
    {
        var census = Single([new CensusDense(0, 0.5, [0.5]), new CensusDense(1, 0.5, [0.5])]);

        Assert.True(double.IsNaN(census.Reference.Epsilon));
        Assert.Equal(0, census.Reference.SpreadDegreesOfFreedom);
        Assert.Equal(0, census.Winners.Count);
        Assert.False(census.Judged);
        Assert.True(double.IsNaN(census.WinnerMeanTestAccuracy));
    }

    [Fact]
    public void Winners_are_the_same_ticket_halfway_from_chance_overlap_to_identity()
    {
        // Tickets 2 and 3 overlap 0.6. At density 0.2 chance is 0.2 / 1.8 = 0.111, the threshold 0.556: one ticket.
        var sparse = Single(Converged);
        // At density 0.8 chance is 0.8 / 1.2 = 0.667 and the threshold 0.833: 0.6 is below chance, two tickets.
        var dense = Single(Converged, density: 0.8);

        Assert.Equal(0.2 / 1.8, sparse.ChanceJaccard, 12);
        Assert.Equal(0.2 / 1.8 + 0.5 * (1 - 0.2 / 1.8), sparse.SameTicketJaccard, 12);
        Assert.Equal(0.6, sparse.MaxWinnerJaccard, 12);
        Assert.Equal([0, 2], sparse.DistinctTickets);
        Assert.Equal([1, 1], sparse.Inits.Select(i => i.Distinct));
        Assert.Equal(0.8 / 1.2 + 0.5 * (1 - 0.8 / 1.2), dense.SameTicketJaccard, 12);
        Assert.Equal([0, 2, 3], dense.DistinctTickets);
        // A stricter notion of "same" (nearer identity) keeps them apart at 0.2 as well.
        Assert.Equal(3, Single(Converged, new CensusCriteria(SameTicket: 0.6)).Distinct.Count);
    }

    [Fact]
    public void The_distinct_count_is_also_given_at_each_sensitivity_fraction_of_the_same_ticket_threshold()
    {
        // Chance at density 0.2 is 1/9, so the fractions 0.25, 0.5, 0.75 mean Jaccards 1/3, 5/9, 7/9. Winners 0, 2, 3
        // with J(0,2) = 0.4 and J(2,3) = 0.6: one ticket at 1/3, two at 5/9 (2 and 3 alike), three at 7/9.
        double Looser(int a, int b) => (Math.Min(a, b), Math.Max(a, b)) == (0, 2) ? 0.4 : Jaccard(a, b);

        var census = Single(Converged, jaccard: Looser);

        Assert.Equal([0.25, 0.5, 0.75], census.DistinctByThreshold.Select(d => d.SameTicket));
        foreach (var (expected, row) in new[] { 1.0 / 3, 5.0 / 9, 7.0 / 9 }.Zip(census.DistinctByThreshold))
            Assert.Equal(expected, row.SameTicketJaccard, 12);
        Assert.Equal([1, 2, 3], census.DistinctByThreshold.Select(d => d.Distinct));
        Assert.Equal(census.Distinct.Count, census.DistinctByThreshold.Single(d => d.SameTicket == 0.5).Distinct);
    }

    [Fact]
    public void Winners_linked_through_another_winner_are_one_ticket_whatever_their_numbering()
    {
        // 0 ~ 2 and 2 ~ 3 reach the threshold, 0 and 3 do not: one group, whichever ticket is numbered first.
        var chain = new Dictionary<(int, int), double> { [(0, 2)] = 0.6, [(2, 3)] = 0.6, [(0, 3)] = 0.2 };
        double Chained(int a, int b) => a == b ? 1 : chain.GetValueOrDefault((Math.Min(a, b), Math.Max(a, b)), 0.2);

        var census = Single(Converged, jaccard: Chained);

        Assert.Equal([0], census.DistinctTickets);
    }

    [Fact]
    public void Counts_carry_95_percent_wilson_intervals_over_tickets()
    {
        var census = Single(Converged);

        // 3 winners of 4 tickets: Wilson (0.3006, 0.9544), times 4. Distinct: 2 of 4, (0.1500, 0.8500) times 4.
        Assert.Equal((TicketCensus.TicketUnit, 4, 3), (census.Winners.Unit, census.Winners.N, census.Winners.Count));
        Assert.Equal(1.2026, census.Winners.Lower, 4);
        Assert.Equal(3.8177, census.Winners.Upper, 4);
        Assert.Equal(2, census.Distinct.Count);
        Assert.Equal(0.6002, census.Distinct.Lower, 4);
        Assert.Equal(3.3998, census.Distinct.Upper, 4);
    }

    [Fact]
    public void Controls_at_the_same_round_are_judged_by_the_same_rule()
    {
        var census = Single(Converged);

        // Re-init of ticket 0 scores 0.80 against init 0's 0.90 (loses); of ticket 2, 0.80 against 0.80 (wins).
        var reinit = Assert.Single(census.Controls);
        Assert.Equal((RunKind.RandomReinit, 2, 1), (reinit.Kind, reinit.Runs, reinit.Winners));
        Assert.Equal(0.80, reinit.MeanValidationAccuracy, 12);
        Assert.Equal(0.60, reinit.MeanTestAccuracy, 12);
        Assert.Equal((0.895 + 0.85 + 0.795 + 0.82) / 4, census.TicketMeanValidationAccuracy, 12);
    }

    [Fact]
    public void Every_level_is_counted_and_the_one_nearest_the_target_density_is_the_headline()
    {
        // Round 7 (0.21) is nearer 0.2 than round 8 (0.168), which the largest density not above 0.2 would pick.
        var width = new CensusWidth<int>(1.0, Converged, [Level(8, 0.168), Level(6, 0.262), Level(7, 0.21)]);

        var counts = TicketCensus.Count(width, new CensusCriteria(), Jaccard);

        Assert.Equal([6, 7, 8], counts.Select(c => c.Round));
        Assert.Equal([false, true, false], counts.Select(c => c.Headline));
    }

    [Fact]
    public void Winner_statistics_are_test_accuracies()
    {
        var census = Single(Converged);

        double[] winners = [0.795, 0.695, 0.72];
        Assert.Equal(winners.Average(), census.WinnerMeanTestAccuracy, 12);
        Assert.Equal(Statistics.SampleStandardDeviation(winners), census.WinnerTestAccuracyStandardDeviation, 12);
    }
}
