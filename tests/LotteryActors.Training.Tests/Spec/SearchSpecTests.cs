using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Spec;

public sealed class SearchSpecTests
{
    internal static readonly SearchSpec TwoWidthsThreeTickets = SyntheticSpec.Search() with
    {
        Model = SyntheticSpec.Search().Model with { Widths = [0.5, 2] },
        TicketsPerWidth = 3,
    };

    [Fact]
    public void Tickets_are_ordered_width_major_ticket_minor()
    {
        Assert.Equal(
            [new(0, 0), new(0, 1), new(0, 2), new(1, 0), new(1, 1), new TicketId(1, 2)],
            TwoWidthsThreeTickets.Tickets());
    }

    [Fact]
    public void Every_ticket_has_its_own_data_order_seed()
    {
        var seeds = TwoWidthsThreeTickets.Tickets().Select(TwoWidthsThreeTickets.DataOrderSeed).ToList();

        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.Equal(2 + 1000 + 2, TwoWidthsThreeTickets.DataOrderSeed(new TicketId(1, 2)));
    }

    [Fact]
    public void Width_looks_up_the_tickets_multiplier()
    {
        Assert.Equal(2, TwoWidthsThreeTickets.Width(new TicketId(1, 0)));
    }

    private static readonly SearchSpec TwoInits = TwoWidthsThreeTickets with { InitsPerWidth = 2 };

    [Fact]
    public void Each_init_has_its_own_tickets_numbered_after_the_previous_inits()
    {
        Assert.Equal(12, TwoInits.Tickets().Count);
        Assert.Equal([new(0, 0), new(0, 1), new(1, 0), new InitId(1, 1)], TwoInits.InitIds());
        Assert.Equal(new InitId(0, 0), TwoInits.InitOf(new TicketId(0, 2)));
        Assert.Equal(new InitId(0, 1), TwoInits.InitOf(new TicketId(0, 3)));
        Assert.Equal(new InitId(1, 1), TwoInits.InitOf(new TicketId(1, 5)));
        var seeds = TwoInits.Tickets().Select(TwoInits.DataOrderSeed).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
    }

    [Fact]
    public void Init_zero_keeps_its_seed_and_every_init_has_its_own()
    {
        // Seeds.Init is 1: init 0 of width 1 is drawn from 1 + 1, as it was before there were several inits.
        Assert.Equal(2, TwoInits.InitSeed(new InitId(1, 0)));
        Assert.Equal(1 + 1 + 1000, TwoInits.InitSeed(new InitId(1, 1)));
        var seeds = TwoInits.InitIds().Select(TwoInits.InitSeed).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
    }

    [Fact]
    public void Without_the_new_keys_a_spec_has_one_init_and_no_baseline_and_keeps_its_canonical_json()
    {
        Assert.Equal(1, TwoWidthsThreeTickets.Inits);
        Assert.DoesNotContain("InitsPerWidth", CanonicalSpec.ToJson(TwoWidthsThreeTickets));
        Assert.DoesNotContain("Baseline", CanonicalSpec.ToJson(TwoWidthsThreeTickets));
        Assert.NotEqual(TwoWidthsThreeTickets.SearchId, TwoInits.SearchId);
        Assert.False(TwoInits.TrainsDenseBaseline(new TicketId(0, 0)));
        var withBaseline = TwoInits with { Baseline = new DenseBaselineSpec(40, 5) };
        Assert.Equal([0, 3], withBaseline.Tickets().Where(t => t.WidthIndex == 0 && withBaseline.TrainsDenseBaseline(t)).Select(t => t.Index));
    }

    [Theory]
    [InlineData("w0-t1", 0, 1)]
    [InlineData("w12-t345", 12, 345)]
    public void A_ticket_id_reads_back_as_it_is_written(string text, int width, int index)
    {
        var ticket = new TicketId(width, index);
        Assert.Equal(text, ticket.ToString());
        Assert.Equal(ticket, TicketId.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("w0t1")]
    [InlineData("w0-t1 ")]
    [InlineData("W0-T1")]
    [InlineData("w-1-t1")]
    [InlineData("w1234567-t0")]
    public void Anything_else_is_no_ticket_id(string text) => Assert.Null(TicketId.Parse(text));
}
