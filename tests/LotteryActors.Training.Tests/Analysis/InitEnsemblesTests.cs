using LotteryActors.Training.Analysis;

namespace LotteryActors.Training.Tests.Analysis;

public sealed class InitEnsemblesTests
{
    // Three inits with two tickets each, in ticket order: members 0,1 of init 0; 2,3 of init 1; 4,5 of init 2.
    private static readonly int[] ThreeByTwo = [0, 0, 1, 1, 2, 2];

    [Fact]
    public void Both_sides_reach_the_number_of_inits_or_the_smallest_init()
    {
        Assert.Equal(2, InitEnsembles.ComparableSize(ThreeByTwo));
        Assert.Equal(2, InitEnsembles.ComparableSize([0, 0, 0, 1, 1, 1]));
        Assert.Equal(3, InitEnsembles.ComparableSize([0, 0, 0, 1, 1, 1, 2, 2, 2]));
        Assert.Equal(0, InitEnsembles.ComparableSize([0, 0, 0]));
    }

    [Fact]
    public void Within_one_init_every_ensemble_shares_its_init()
    {
        var within = InitEnsembles.WithinInit(ThreeByTwo, 2);

        Assert.Equal([[0, 1], [2, 3], [4, 5]], within);
        Assert.All(within, e => Assert.Single(e.Select(m => ThreeByTwo[m]).Distinct()));
    }

    [Fact]
    public void Across_inits_no_two_members_share_an_init_and_every_member_is_used()
    {
        var initOf = new[] { 0, 0, 0, 1, 1, 1, 2, 2, 2 };
        var across = InitEnsembles.AcrossInits(initOf, 3);

        Assert.Equal([[0, 3, 6], [4, 7, 1], [8, 2, 5]], across);
        Assert.All(across, e => Assert.Equal(e.Count, e.Select(m => initOf[m]).Distinct().Count()));
        Assert.Equal(Enumerable.Range(0, 9), across.SelectMany(e => e).Order());
    }

    [Fact]
    public void Across_inits_with_fewer_members_than_inits_rotates_through_them()
    {
        var across = InitEnsembles.AcrossInits(ThreeByTwo, 2);

        Assert.Equal([[0, 2], [3, 5]], across);
        Assert.All(across, e => Assert.Equal(2, e.Select(m => ThreeByTwo[m]).Distinct().Count()));
    }

    [Fact]
    public void Across_inits_cannot_be_larger_than_the_number_of_inits() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => InitEnsembles.AcrossInits(ThreeByTwo, 4));
}
