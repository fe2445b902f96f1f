using LotteryActors.Training.Pruning;

namespace LotteryActors.Training.Analysis;

/// <summary>
/// What makes a ticket a winner: at <see cref="TargetDensity"/> its validation accuracy is within epsilon of the
/// mean validation accuracy of the width's dense nets (same init, one per data order); and two winners count as the
/// same ticket when their masks' Jaccard similarity reaches <see cref="Tau"/>. Without an <see cref="Epsilon"/>,
/// epsilon is the dense nets' seed-to-seed spread: the sample standard deviation of their validation accuracies,
/// so "matches dense" means "within the noise of dense itself".
/// </summary>
public sealed record CensusCriteria(double? Epsilon = null, double TargetDensity = 0.2, double Tau = 0.9);

/// <summary>
/// One IMP round of a ticket: its density, validation accuracy (what it is judged on), test accuracy (what is
/// reported) and mask (or any handle the Jaccard function reads).
/// </summary>
public sealed record CensusRound<TMask>(double Density, double ValidationAccuracy, double TestAccuracy, TMask Mask);

/// <summary>
/// The tickets of one width, each as its rounds, and the validation accuracies of the width's dense (round-0) runs.
/// </summary>
public sealed record CensusWidth<TMask>(
    double Width,
    IReadOnlyList<double> DenseValidationAccuracies,
    IReadOnlyList<IReadOnlyList<CensusRound<TMask>>> Tickets);

/// <summary>
/// The census of one width. Candidates are the tickets with a round at or below the target density; winners are
/// candidates within <see cref="Epsilon"/> of dense on validation there; distinct winners are those left after
/// dropping near-duplicates. <see cref="EpsilonFromDenseSpread"/> says whether epsilon came from the dense nets'
/// spread (over <see cref="DenseRuns"/> of them) or was given. Ticket lists hold indices into
/// <see cref="CensusWidth{TMask}.Tickets"/>. Winner statistics are test accuracies, NaN where undefined (no winners;
/// the deviation of one).
/// </summary>
public sealed record CensusCount(
    double Width,
    double DenseValidationAccuracy,
    int DenseRuns,
    double Epsilon,
    bool EpsilonFromDenseSpread,
    int Candidates,
    int Winners,
    int Distinct,
    double WinnerMeanAccuracy,
    double WinnerAccuracyStandardDeviation,
    IReadOnlyList<int> WinningTickets,
    IReadOnlyList<int> DistinctTickets);

/// <summary>
/// Counts winning tickets per width: how many distinct sparse subnetworks match the dense network, the quantity
/// whose growth with width the search is about. Pure over plain data.
/// </summary>
public static class TicketCensus
{
    /// <summary>
    /// A ticket is judged at its round with the largest density not above the target, the sparsest it had to reach.
    /// Winners are deduplicated greedily in ticket order: one is kept only if its mask's Jaccard similarity with
    /// every already-kept winner's mask is below tau.
    /// </summary>
    public static CensusCount Count<TMask>(CensusWidth<TMask> width, CensusCriteria criteria, Func<TMask, TMask, double> jaccard)
    {
        var denseRuns = width.DenseValidationAccuracies;
        if (denseRuns.Count == 0)
            throw new ArgumentException($"width {width.Width} has no dense runs to compare with", nameof(width));
        var dense = denseRuns.Average();
        // One dense run has no spread: the derived epsilon is NaN, and nothing is judged a winner against it.
        var epsilon = criteria.Epsilon ?? Statistics.SampleStandardDeviation(denseRuns);
        var judged = width.Tickets
            .Select((rounds, ticket) => (Ticket: ticket, Round: rounds.Where(r => r.Density <= criteria.TargetDensity).MaxBy(r => r.Density)))
            .Where(t => t.Round is not null)
            .Select(t => (t.Ticket, Round: t.Round!))
            .ToList();
        var winners = judged.Where(t => t.Round.ValidationAccuracy >= dense - epsilon).ToList();
        var distinct = new List<(int Ticket, CensusRound<TMask> Round)>();
        foreach (var winner in winners)
            if (distinct.All(kept => jaccard(winner.Round.Mask, kept.Round.Mask) < criteria.Tau))
                distinct.Add(winner);
        var accuracies = winners.Select(w => w.Round.TestAccuracy).ToList();
        return new CensusCount(width.Width, dense, denseRuns.Count, epsilon, criteria.Epsilon is null,
            judged.Count, winners.Count, distinct.Count,
            Statistics.Mean(accuracies), Statistics.SampleStandardDeviation(accuracies),
            winners.Select(w => w.Ticket).ToList(), distinct.Select(d => d.Ticket).ToList());
    }

    /// <summary>The census over real masks, comparing them by overall Jaccard similarity.</summary>
    public static CensusCount Count(CensusWidth<Mask> width, CensusCriteria criteria) =>
        Count(width, criteria, (a, b) => MaskOverlap.Jaccard(a, b).Overall);
}
