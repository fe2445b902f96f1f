using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Spec;

public sealed class SearchSpecTests
{
    private static readonly SearchSpec TwoWidthsThreeTickets = SyntheticSpec.Search() with
    {
        Model = SyntheticSpec.Search().Model with { Widths = [0.5, 2] },
        TicketsPerWidth = 3,
    };

    [Fact]
    public void TicketsAreOrderedWidthMajorTicketMinor()
    {
        Assert.Equal(
            [new(0, 0), new(0, 1), new(0, 2), new(1, 0), new(1, 1), new TicketId(1, 2)],
            TwoWidthsThreeTickets.Tickets());
    }

    [Fact]
    public void EveryTicketHasItsOwnDataOrderSeed()
    {
        var seeds = TwoWidthsThreeTickets.Tickets().Select(TwoWidthsThreeTickets.DataOrderSeed).ToList();

        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.Equal(2 + 1000 + 2, TwoWidthsThreeTickets.DataOrderSeed(new TicketId(1, 2)));
    }

    [Fact]
    public void WidthLooksUpTheTicketsMultiplier()
    {
        Assert.Equal(2, TwoWidthsThreeTickets.Width(new TicketId(1, 0)));
    }
}
