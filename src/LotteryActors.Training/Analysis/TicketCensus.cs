using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Analysis;

/// <summary>
/// What makes a ticket a winner, and when two winners are one ticket. A run wins at its round when its validation
/// accuracy is at least its own init's dense reference minus epsilon (<see cref="DenseReference"/>); without an
/// <see cref="Epsilon"/>, epsilon is the dense nets' seed-to-seed spread. Every pruned round is counted; the round
/// whose density is nearest <see cref="TargetDensity"/> is the headline. Two winners at one round are the same ticket
/// when their masks' Jaccard reaches <see cref="SameTicketJaccard"/>: <see cref="SameTicket"/> of the way from the
/// overlap two random masks at that density have by chance, d / (2 - d), to identity (1). A fixed Jaccard would mean
/// "unlike" at 10% density and "like" at 80%, where chance alone is 0.67.
/// </summary>
public sealed record CensusCriteria(double? Epsilon = null, double TargetDensity = 0.2, double SameTicket = 0.5)
{
    /// <summary>The same-ticket fractions every count is also made at (<see cref="CensusCount.DistinctByThreshold"/>),
    /// so a reader sees how much "distinct" rests on the one chosen.</summary>
    public static readonly IReadOnlyList<double> SensitivityFractions = [0.25, 0.5, 0.75];

    public double SameTicketJaccard(double chanceJaccard) => SameTicketJaccard(chanceJaccard, SameTicket);

    public static double SameTicketJaccard(double chanceJaccard, double fraction) =>
        chanceJaccard + fraction * (1 - chanceJaccard);
}

/// <summary>How many distinct winners a census round would have with another same-ticket fraction, and the Jaccard
/// that fraction means at the round's density.</summary>
public sealed record DistinctAtThreshold(double SameTicket, double SameTicketJaccard, int Distinct);

/// <summary>
/// One run judged by the census: a ticket or a control, of one init, with its validation accuracy (what it is
/// judged on), test accuracy (what is reported) and mask (or any handle the Jaccard function reads).
/// </summary>
public sealed record CensusRun<TMask>(RunKind Kind, int Ticket, int Init, double ValidationAccuracy,
    double TestAccuracy, TMask Mask);

/// <summary>The runs of one width at one pruned round, tickets and controls, at the tickets' density.</summary>
public sealed record CensusLevel<TMask>(int Round, double Density, IReadOnlyList<CensusRun<TMask>> Runs);

/// <summary>
/// The dense nets of one init: its converged baseline's validation accuracy (null when the search trains none) and
/// its tickets' round-0 nets' validation accuracies (one per data order).
/// </summary>
public sealed record CensusDense(int Init, double? ConvergedValidationAccuracy,
    IReadOnlyList<double> RoundZeroValidationAccuracies);

/// <summary>One width: its inits' dense nets and its pruned rounds.</summary>
public sealed record CensusWidth<TMask>(double Width, IReadOnlyList<CensusDense> Dense,
    IReadOnlyList<CensusLevel<TMask>> Levels);

/// <summary>
/// A count of <paramref name="N"/> units (tickets or control runs) with the 95% Wilson interval of the proportion,
/// scaled to counts. The unit is one run: runs of one init share that init, so where inits differ the interval is
/// narrower than one over inits would be; the per-init counts beside it show how far they differ.
/// </summary>
public sealed record CountInterval(string Unit, int N, int Count, double Lower, double Upper)
{
    public static CountInterval Wilson(string unit, int count, int n)
    {
        var (lower, upper) = Statistics.WilsonInterval(count, n);
        return new CountInterval(unit, n, count, lower * n, upper * n);
    }
}

/// <summary>One init's share of a census round: its reference, tickets, winners and distinct winners.</summary>
public sealed record InitCensus(int Init, double ReferenceValidationAccuracy, int Candidates, int Winners,
    int Distinct);

/// <summary>
/// The controls of one kind at a census round, judged by the tickets' rule: a ticket that wins where its random
/// re-init or random mask at the same density wins too shows that the density, not the ticket, is easy.
/// </summary>
public sealed record ControlCensus(RunKind Kind, int Runs, int Winners, double MeanValidationAccuracy,
    double MeanTestAccuracy);

/// <summary>
/// The census of one width at one pruned round. <see cref="Winners"/> counts the candidate tickets (the width's
/// tickets at this round) that match their init's dense reference; <see cref="Distinct"/> the winners left once
/// those that are the same ticket (Jaccard at least <see cref="SameTicketJaccard"/>, directly or through other
/// winners) count once, its tickets the lowest index of each such group. <see cref="MaxWinnerJaccard"/> is the
/// most similar pair of winners, to read against <see cref="ChanceJaccard"/> and the threshold;
/// <see cref="DistinctByThreshold"/> the distinct count at other thresholds. Winner statistics
/// are test accuracies, NaN where undefined (no winners; the deviation of one; a pair of fewer than two).
/// </summary>
public sealed record CensusCount(
    double Width,
    int Round,
    double Density,
    bool Headline,
    DenseReference Reference,
    double ChanceJaccard,
    double SameTicketJaccard,
    CountInterval Winners,
    CountInterval Distinct,
    IReadOnlyList<InitCensus> Inits,
    double TicketMeanValidationAccuracy,
    IReadOnlyList<ControlCensus> Controls,
    double WinnerMeanTestAccuracy,
    double WinnerTestAccuracyStandardDeviation,
    double MaxWinnerJaccard,
    IReadOnlyList<int> WinningTickets,
    IReadOnlyList<int> DistinctTickets,
    IReadOnlyList<DistinctAtThreshold> DistinctByThreshold)
{
    public int Candidates => Winners.N;

    /// <summary>False when epsilon is undefined (derived from a spread with no degree of freedom: one round-0 net
    /// per init): the counts are then zero by construction, not a finding, and a view must not show them as one.
    /// </summary>
    public bool Judged => !double.IsNaN(Reference.Epsilon);
}

/// <summary>
/// Counts winning tickets per width and round: how many distinct sparse subnetworks match the dense network, the
/// quantity whose growth with width the search is about. Pure over plain data.
/// </summary>
public static class TicketCensus
{
    public const string TicketUnit = "ticket";

    /// <summary>One count per level, in round order; the level nearest the target density is the headline.</summary>
    public static IReadOnlyList<CensusCount> Count<TMask>(CensusWidth<TMask> width, CensusCriteria criteria,
        Func<TMask, TMask, double> jaccard)
    {
        var reference = DenseReference.Of(width.Dense, criteria.Epsilon);
        var levels = width.Levels.OrderBy(l => l.Round).ToList();
        var headline = levels.MinBy(l => Math.Abs(l.Density - criteria.TargetDensity));
        return levels.Select(l => Count(width.Width, l, l == headline, reference, criteria, jaccard)).ToList();
    }

    private static CensusCount Count<TMask>(double width, CensusLevel<TMask> level, bool headline,
        DenseReference reference, CensusCriteria criteria, Func<TMask, TMask, double> jaccard)
    {
        var tickets = level.Runs.Where(r => r.Kind == RunKind.Ticket).OrderBy(r => r.Ticket).ToList();
        var winners = tickets.Where(reference.Wins).ToList();
        var chance = MaskOverlap.ChanceJaccard(level.Density);
        var same = criteria.SameTicketJaccard(chance);
        var similarity = PairwiseMatrix.Symmetric(winners.Count,
            (a, b) => a == b ? 1.0 : jaccard(winners[a].Mask, winners[b].Mask));
        var distinct = Representatives(Enumerable.Range(0, winners.Count).ToList(), similarity, same);
        var pairs = Enumerable.Range(0, winners.Count)
            .SelectMany(a => Enumerable.Range(a + 1, winners.Count - a - 1).Select(b => similarity[a, b])).ToList();
        var accuracies = winners.Select(w => w.TestAccuracy).ToList();
        return new CensusCount(width, level.Round, level.Density, headline, reference, chance, same,
            CountInterval.Wilson(TicketUnit, winners.Count, tickets.Count),
            CountInterval.Wilson(TicketUnit, distinct.Count, tickets.Count),
            reference.Inits.Select(i =>
            {
                var mine = Enumerable.Range(0, winners.Count).Where(w => winners[w].Init == i.Init).ToList();
                return new InitCensus(i.Init, i.ValidationAccuracy, tickets.Count(t => t.Init == i.Init), mine.Count,
                    Representatives(mine, similarity, same).Count);
            }).ToList(),
            Statistics.Mean(tickets.Select(t => t.ValidationAccuracy).ToList()),
            level.Runs.Where(r => r.Kind != RunKind.Ticket).GroupBy(r => r.Kind).OrderBy(k => k.Key)
                .Select(k => new ControlCensus(k.Key, k.Count(), k.Count(reference.Wins),
                    k.Average(r => r.ValidationAccuracy), k.Average(r => r.TestAccuracy))).ToList(),
            Statistics.Mean(accuracies), Statistics.SampleStandardDeviation(accuracies),
            pairs.Count == 0 ? double.NaN : pairs.Max(),
            winners.Select(w => w.Ticket).ToList(), distinct.Select(w => winners[w].Ticket).ToList(),
            CensusCriteria.SensitivityFractions.Select(f =>
            {
                var jaccardAtF = CensusCriteria.SameTicketJaccard(chance, f);
                return new DistinctAtThreshold(f, jaccardAtF,
                    Representatives(Enumerable.Range(0, winners.Count).ToList(), similarity, jaccardAtF).Count);
            }).ToList());
    }

    /// <summary>
    /// The first member of each group of <paramref name="members"/> linked by similarity at least
    /// <paramref name="same"/> (connected components): unlike keeping winners greedily, the count does not depend
    /// on the order tickets are numbered in.
    /// </summary>
    private static List<int> Representatives(IReadOnlyList<int> members, double[,] similarity, double same)
    {
        var group = members.ToDictionary(m => m, m => m);
        int Root(int m) => group[m] == m ? m : group[m] = Root(group[m]);
        foreach (var a in members)
        foreach (var b in members.Where(b => b > a && similarity[a, b] >= same))
        {
            var (ra, rb) = (Root(a), Root(b));
            group[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
        return members.Where(m => Root(m) == m).ToList();
    }
}
