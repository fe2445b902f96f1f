using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Spec;

namespace LotteryActors.Training.Tests.Imp;

public sealed class DataOrderSeedsTests
{
    private static readonly SearchSpec Spec = SearchSpecTests.TwoWidthsThreeTickets;

    private static IEnumerable<WorkUnit> Units(SearchSpec spec) =>
        from ticket in spec.Tickets()
        from round in Enumerable.Range(0, 4)
        from kind in Enum.GetValues<RunKind>()
        select new WorkUnit(ticket, round, kind, "start", "mask");

    [Fact]
    public void Per_ticket_every_round_and_control_reuses_the_tickets_order_as_before()
    {
        Assert.Null(Spec.DataOrder);
        Assert.All(Units(Spec), unit => Assert.Equal(Spec.DataOrderSeed(unit.Ticket), DataOrderSeeds.Of(Spec, unit)));
    }

    [Fact]
    public void Per_run_every_round_kind_and_ticket_draws_an_order_no_other_run_and_no_ticket_has()
    {
        var perRun = Spec with { DataOrder = DataOrderDraw.PerRun };
        var seeds = Units(perRun).Select(unit => DataOrderSeeds.Of(perRun, unit)).ToList();
        var ticketSeeds = Spec.Tickets().Select(Spec.DataOrderSeed).ToHashSet();

        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.DoesNotContain(seeds, ticketSeeds.Contains);
    }

    [Theory]
    [InlineData(DataOrderDraw.PerTicket)]
    [InlineData(DataOrderDraw.PerRun)]
    public void Retrain_copies_draw_orders_that_no_run_of_the_search_and_no_other_copy_trained_in(DataOrderDraw draw)
    {
        var spec = Spec with { DataOrder = draw, Pruning = Spec.Pruning with { Rounds = 100 } };
        var runSeeds = new[] { DataOrderDraw.PerTicket, DataOrderDraw.PerRun }.SelectMany(d =>
            from ticket in spec.Tickets()
            from round in new[] { 0, 1, 50, 100 }
            from kind in Enum.GetValues<RunKind>()
            select DataOrderSeeds.Of(spec with { DataOrder = d }, new WorkUnit(ticket, round, kind, "s", "m")))
            .ToHashSet();
        var copies = (from ticket in spec.Tickets()
            from round in new[] { 0, 1, 50, 100 }
            from copy in new[] { 0, 1, DataOrderSeeds.MaxRetrainCopies - 1 }
            select (ticket, round, copy, seed: DataOrderSeeds.Retrain(spec, ticket, round, copy))).ToList();

        Assert.DoesNotContain(copies, c => runSeeds.Contains(c.seed));
        var distinct = draw == DataOrderDraw.PerRun
            ? copies.Count
            : copies.Select(c => (c.ticket, c.copy)).Distinct().Count();
        Assert.Equal(distinct, copies.Select(c => c.seed).Distinct().Count());
        if (draw == DataOrderDraw.PerTicket)
            Assert.All(copies, c => Assert.Equal(DataOrderSeeds.Retrain(spec, c.ticket, 0, c.copy), c.seed));
    }
}
