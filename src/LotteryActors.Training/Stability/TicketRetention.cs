using LotteryActors.Training.Analysis;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Stability;

/// <summary>
/// One ticket at one round, as <see cref="TicketRetention"/> reads it: its journaled run (the data order its mask was
/// found with) and its copies retrained in fresh orders, each scored at its best validation evaluation as the census
/// judges runs; <paramref name="DenseTest"/> holds the dense reference's copies in the same orders, copy by copy
/// (empty where the ticket is the dense net, round 0).
/// </summary>
public sealed record RetentionInput(string Ticket, int Init, double OriginalValidationAccuracy,
    double OriginalTestAccuracy, IReadOnlyList<double> FreshValidation, IReadOnlyList<double> FreshTest,
    IReadOnlyList<double> DenseTest);

/// <summary>
/// A ticket's result: whether its journaled run won (matched its init's dense net within epsilon on validation), how
/// many fresh copies win by the same rule, and its selection drop, the journaled run's validation accuracy minus the
/// fresh copies' mean (what the order it was found with added).
/// </summary>
public sealed record TicketRetained(string Ticket, int Init, bool WonOriginally, int FreshWins, int Copies,
    double OriginalValidationAccuracy, double FreshValidationMean, double OriginalTestAccuracy, double FreshTestMean,
    double SelectionDrop);

/// <summary>The winners (or the other tickets) of a round: how many, their copies, the copies that win, the drop.</summary>
public sealed record RetentionGroup(int Tickets, int Copies, int FreshWins, double FreshWinFraction,
    double MeanSelectionDrop);

/// <summary>
/// Does the mask decide the accuracy, once the data order is fresh? A one-way analysis of variance of the fresh
/// copies with tickets nested in inits: <see cref="F"/> = between-ticket mean square (each ticket's mean about its
/// init's mean) over within-ticket mean square (copies about their ticket's mean), <see cref="P"/> its upper tail,
/// and <see cref="MaskShare"/> the estimated share of a copy's variance (within an init) that its mask explains,
/// (MSB - MSW) / n0 over that plus MSW, floored at 0. NaN where a degree of freedom is missing.
/// </summary>
public sealed record MaskEffect(double F, int BetweenDegreesOfFreedom, int WithinDegreesOfFreedom, double P,
    double MaskShare);

/// <summary>
/// Ticket identity at one width and round (issue #22): are the census's winners winners of their mask, or of the SGD
/// noise they were selected in? <see cref="Winners"/> and <see cref="Others"/> say how many fresh copies still win,
/// <see cref="ValidationMaskEffect"/> and <see cref="TestMaskEffect"/> whether masks of one init differ beyond the
/// noise of a data order, and <see cref="TicketMinusDense"/> (test, at the early stop) the ticket against the dense
/// net retrained from the same start in the same orders for the same budget, at the init level (null in round 0).
/// </summary>
public sealed record TicketRetention(int WidthIndex, double Width, int Round, double Density, double Epsilon,
    IReadOnlyList<TicketRetained> Tickets, RetentionGroup Winners, RetentionGroup Others,
    MaskEffect ValidationMaskEffect, MaskEffect TestMaskEffect, InitLevelDifference? TicketMinusDense)
{
    /// <summary>
    /// The analysis of <paramref name="tickets"/> judged against <paramref name="reference"/>, the census's bar
    /// (each init's converged dense net, epsilon). Pure arithmetic, so tests check it by hand.
    /// </summary>
    public static TicketRetention Analyze(int widthIndex, double width, int round, double density,
        IReadOnlyList<RetentionInput> tickets, DenseReference reference, double margin)
    {
        var retained = tickets.Select(t => new TicketRetained(t.Ticket, t.Init,
            reference.Wins(t.Init, t.OriginalValidationAccuracy),
            t.FreshValidation.Count(v => reference.Wins(t.Init, v)), t.FreshValidation.Count,
            t.OriginalValidationAccuracy, Statistics.Mean(t.FreshValidation), t.OriginalTestAccuracy,
            Statistics.Mean(t.FreshTest),
            t.OriginalValidationAccuracy - Statistics.Mean(t.FreshValidation))).ToList();
        var differences = tickets.Where(t => t.DenseTest.Count > 0)
            .GroupBy(t => t.Init).OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<double>)g.SelectMany(t => t.FreshTest.Zip(t.DenseTest, (a, b) => a - b))
                .ToList())
            .ToList();
        return new TicketRetention(widthIndex, width, round, density, reference.Epsilon, retained,
            Group(retained.Where(t => t.WonOriginally).ToList()), Group(retained.Where(t => !t.WonOriginally).ToList()),
            Effect(tickets.Select(t => (t.Init, t.FreshValidation)).ToList()),
            Effect(tickets.Select(t => (t.Init, t.FreshTest)).ToList()),
            differences.Count == 0 ? null : InitInference.Compare(differences, margin));
    }

    /// <summary>
    /// The analysis of one <see cref="InstabilityAnalysis"/> row: its tickets' journaled runs from
    /// <paramref name="runs"/> and its copies, each ticket's fresh copies paired with its dense copies by order.
    /// </summary>
    public static TicketRetention Of(StabilityRow row, SearchSpec spec, IReadOnlyList<RunResult> runs,
        DenseReference reference, double margin)
    {
        var inputs = row.Tickets.Select(name =>
        {
            var ticket = TicketId.Parse(name) ?? throw new ArgumentException($"'{name}' is no ticket id", nameof(row));
            var run = InstabilityAnalysis.JournaledRun(runs, ticket, row.Round)
                      ?? throw new InvalidOperationException($"{name} has no journaled round {row.Round}");
            var mine = row.Copies.Where(c => c.Ticket == name).ToList();
            var own = mine.Where(c => c.Mask == InstabilityAnalysis.TicketMask).OrderBy(c => c.Seed).ToList();
            var dense = mine.Where(c => c.Mask == InstabilityAnalysis.Dense).OrderBy(c => c.Seed).ToList();
            if (dense.Count > 0 && !dense.Select(c => c.Seed).SequenceEqual(own.Select(c => c.Seed)))
                throw new InvalidOperationException($"{name}: the dense copies' orders are not the ticket's");
            return new RetentionInput(name, spec.InitOf(ticket).Index, run.Metrics.BestValidationAccuracy,
                run.Metrics.TestAccuracyAtEarlyStop, own.Select(c => c.BestValidationAccuracy).ToList(),
                own.Select(c => c.TestAccuracyAtEarlyStop).ToList(),
                dense.Select(c => c.TestAccuracyAtEarlyStop).ToList());
        }).ToList();
        return Analyze(row.WidthIndex, row.Width, row.Round, row.Density, inputs, reference, margin);
    }

    private static RetentionGroup Group(IReadOnlyList<TicketRetained> tickets)
    {
        var copies = tickets.Sum(t => t.Copies);
        var wins = tickets.Sum(t => t.FreshWins);
        return new RetentionGroup(tickets.Count, copies, wins, copies == 0 ? double.NaN : (double)wins / copies,
            Statistics.Mean(tickets.Select(t => t.SelectionDrop).ToList()));
    }

    /// <summary>The nested one-way analysis of variance (<see cref="MaskEffect"/>) of per-ticket copies.</summary>
    public static MaskEffect Effect(IReadOnlyList<(int Init, IReadOnlyList<double> Copies)> tickets)
    {
        double between = 0, within = 0;
        int betweenDf = 0, withinDf = 0;
        foreach (var init in tickets.Where(t => t.Copies.Count > 0).GroupBy(t => t.Init))
        {
            var all = init.SelectMany(t => t.Copies).ToList();
            var initMean = all.Average();
            foreach (var (_, copies) in init)
            {
                var mean = copies.Average();
                between += copies.Count * (mean - initMean) * (mean - initMean);
                within += copies.Sum(c => (c - mean) * (c - mean));
                withinDf += copies.Count - 1;
            }
            betweenDf += init.Count() - 1;
        }
        if (betweenDf == 0 || withinDf == 0)
            return new MaskEffect(double.NaN, betweenDf, withinDf, double.NaN, double.NaN);
        var msb = between / betweenDf;
        var msw = within / withinDf;
        var f = msw == 0 ? (msb == 0 ? double.NaN : double.PositiveInfinity) : msb / msw;
        // Upper tail of F(d1, d2): I_{d2 / (d2 + d1 f)}(d2 / 2, d1 / 2).
        var p = double.IsNaN(f) ? double.NaN
            : double.IsPositiveInfinity(f) ? 0
            : IncompleteBeta.Regularized(withinDf / 2.0, betweenDf / 2.0, withinDf / (withinDf + betweenDf * f));
        var perTicket = tickets.Where(t => t.Copies.Count > 0).Average(t => t.Copies.Count);
        var component = Math.Max(0, (msb - msw) / perTicket);
        var share = component + msw == 0 ? double.NaN : component / (component + msw);
        return new MaskEffect(f, betweenDf, withinDf, p, share);
    }
}
