using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Imp;

/// <summary>The data-order seed a work unit trains with, under the spec's <see cref="DataOrderDraw"/>.</summary>
public static class DataOrderSeeds
{
    /// <summary>
    /// Per ticket: the ticket's seed for every run on it. Per run: the ticket's seed plus 1,000,000 x (1 + 4 x round +
    /// kind), one offset per round and kind; ticket seeds span less than 1,000,000 (widths x 1000 + tickets), so no
    /// run shares its order with another run or with any per-ticket order.
    /// </summary>
    public static long Of(SearchSpec spec, WorkUnit unit)
    {
        var ticket = spec.DataOrderSeed(unit.Ticket);
        if (spec.DataOrder is not DataOrderDraw.PerRun)
            return ticket;
        var kinds = Enum.GetValues<RunKind>().Length;
        return ticket + 1_000_000L * (1 + kinds * (long)unit.Round + (int)unit.Kind);
    }

    /// <summary>Copies a retrain may draw per ticket (and round): their offsets stay clear of each other's.</summary>
    public const int MaxRetrainCopies = 1000;

    /// <summary>
    /// The fresh data order of retrain copy <paramref name="copy"/> of a ticket's round (the instability analysis):
    /// the ticket's seed plus 1,000,000,000 x (1 + copy), and under <see cref="DataOrderDraw.PerRun"/> also
    /// 1,000,000 x round, so each round draws its own orders as the search's runs did; under
    /// <see cref="DataOrderDraw.PerTicket"/> every round of a ticket reuses its copies' orders, as its runs reuse
    /// one. Run offsets stay under 1,000,000,000 (4 kinds x rounds x 1,000,000, with rounds under 249), so no copy
    /// trains in an order any run of the search trained in, nor in another copy's.
    /// </summary>
    public static long Retrain(SearchSpec spec, TicketId ticket, int round, int copy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(copy);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(copy, MaxRetrainCopies);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(round, 248);
        var perRound = spec.DataOrder is DataOrderDraw.PerRun ? 1_000_000L * round : 0;
        return spec.DataOrderSeed(ticket) + 1_000_000_000L * (1 + copy) + perRound;
    }
}
