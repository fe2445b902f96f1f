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
}
