using LotteryActors.Training.Analysis;
using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Tests.Analysis;

/// <summary>
/// One width, 3 inits x 2 tickets (tickets 0-1 of init 0, 2-3 of init 1, 4-5 of init 2), a converged dense net per
/// init at 0.88, 0.89, 0.90, round 1 at density 0.8 and round 2 at 0.25 (the one nearest 0.2), random re-inits at
/// round 2 only. With 2 df, P(T &gt; t) = 1/2 - t / (2 sqrt(2 + t^2)).
/// </summary>
public sealed class HeadlineFamilyTests
{
    private static readonly double[] Dense = [0.88, 0.89, 0.90];

    // Ticket minus its init's dense net: init means 0.001, 0.002, 0.003.
    private static readonly double[] TicketMinusDense = [0.0, 0.002, 0.001, 0.003, 0.002, 0.004];

    // Ticket minus the re-init trained on its own mask: init means 0.015, 0.02, 0.02.
    private static readonly double[] TicketMinusReinit = [0.01, 0.02, 0.01, 0.03, 0.02, 0.02];

    private static double TwoDfTail(double t) => 0.5 - t / (2 * Math.Sqrt(2 + t * t));

    private static HeadlineRun Run(int ticket, RunKind kind, int round, double density, double test) =>
        new(0, 1.0, ticket / 2, ticket, kind, round, density, test);

    private static List<HeadlineRun> Runs(bool converged = true)
    {
        var runs = new List<HeadlineRun>();
        for (var t = 0; t < 6; t++)
        {
            var ticket = Dense[t / 2] + TicketMinusDense[t];
            runs.Add(Run(t, RunKind.Ticket, 0, 1.0, Dense[t / 2]));
            runs.Add(Run(t, RunKind.Ticket, 1, 0.8, 0.5));
            runs.Add(Run(t, RunKind.Ticket, 2, 0.25, ticket));
            // Listed in reverse ticket order below, so pairing by position instead of by ticket would show.
        }
        for (var t = 5; t >= 0; t--)
            runs.Add(Run(t, RunKind.RandomReinit, 2, 0.25, Dense[t / 2] + TicketMinusDense[t] - TicketMinusReinit[t]));
        if (converged)
            runs.AddRange(Enumerable.Range(0, 3).Select(i => Run(2 * i, RunKind.DenseBaseline, 0, 1.0, Dense[i])));
        return runs;
    }

    [Fact]
    public void The_headline_round_is_the_pruned_round_nearest_the_target_density()
    {
        Assert.Equal(2, HeadlineFamily.HeadlineRound(Runs(), 0.2));
        Assert.Equal(1, HeadlineFamily.HeadlineRound(Runs(), 0.7));
    }

    [Fact]
    public void Each_ticket_is_paired_within_its_init_with_its_dense_net_and_with_the_control_on_its_mask()
    {
        var family = HeadlineFamily.FromRuns(Runs(), 0.2);

        Assert.Equal([HeadlineFamily.TicketMinusDense, "ticket - random-reinit"], family.Select(m => m.Comparison));
        Assert.Equal([true, false], family.Select(m => m.Equivalence));
        Assert.Equal(TicketMinusDense, family[0].ByInit.SelectMany(v => v).Select(d => Math.Round(d, 10)));
        Assert.Equal(TicketMinusReinit, family[1].ByInit.SelectMany(v => v).Select(d => Math.Round(d, 10)));
        Assert.All(family, m => Assert.Equal(3, m.ByInit.Count));
    }

    [Fact]
    public void The_family_is_tested_at_the_init_level_and_Holm_adjusted_together()
    {
        // Ticket - dense: init means 0.001..0.003, se 0.001 / sqrt(3); TOST at 0.005: t = -3 sqrt(3), p = 0.0176.
        // Ticket - re-init: mean 0.018333, sd 0.0028868, se 0.0016667, t = 11, two-sided p = 0.0082.
        // Holm: 0.0082 x 2 = 0.0163 first, then 0.0176 x 1 (not below 0.0163, so it stays).
        var rows = HeadlineFamily.Test(HeadlineFamily.FromRuns(Runs(), 0.2), margin: 0.005);
        var (equivalence, difference) = (rows[0], rows[1]);

        Assert.Equal(TwoDfTail(3 * Math.Sqrt(3)), equivalence.P, 6);
        Assert.Equal(2 * TwoDfTail(11), difference.P, 6);
        Assert.Equal(2 * difference.P, difference.HolmP, 10);
        Assert.Equal(equivalence.P, equivalence.HolmP, 10);
        Assert.Equal("equivalent within +-0.5 points", equivalence.Verdict);
        Assert.Equal("A higher", difference.Verdict);
        Assert.Equal(HeadlineFamily.EquivalenceTest, equivalence.Test);
    }

    [Fact]
    public void A_narrower_margin_turns_the_equivalence_claim_down()
    {
        // Margin 0.003: t = (0.002 - 0.003) / se = -sqrt(3), p = 0.113 before adjustment.
        var rows = HeadlineFamily.Test(HeadlineFamily.FromRuns(Runs(), 0.2), margin: 0.003);

        Assert.Equal(TwoDfTail(Math.Sqrt(3)), rows[0].P, 6);
        Assert.Equal("not shown within +-0.3 points", rows[0].Verdict);
    }

    [Fact]
    public void Without_converged_baselines_the_round_zero_nets_are_the_bar_and_say_so()
    {
        var family = HeadlineFamily.FromRuns(Runs(converged: false), 0.2);

        Assert.Equal(HeadlineFamily.TicketMinusDense + " (round-0 nets)", family[0].Comparison);
        Assert.Equal(TicketMinusDense, family[0].ByInit.SelectMany(v => v).Select(d => Math.Round(d, 10)));
    }

    [Fact]
    public void The_selection_rule_judges_every_run_at_its_best_validation_point_or_at_its_final_weights()
    {
        var metrics = new RunMetrics(Iterations: 100, ValidationAccuracy: 0.80, ValidationLoss: 0.5, TestAccuracy: 0.79,
            TestLoss: 0.5, EarlyStopIteration: 60, BestValidationAccuracy: 0.82, TestAccuracyAtEarlyStop: 0.81,
            TrainLoss: 0.4);

        Assert.Equal((0.82, 0.81), (RunScores.Validation(metrics, RunSelection.EarlyStopped),
            RunScores.Test(metrics, RunSelection.EarlyStopped)));
        Assert.Equal((0.80, 0.79), (RunScores.Validation(metrics, RunSelection.FinalWeights),
            RunScores.Test(metrics, RunSelection.FinalWeights)));
    }
}
