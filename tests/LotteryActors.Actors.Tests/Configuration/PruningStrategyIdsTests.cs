using LotteryActors.Actors.Configuration;

namespace LotteryActors.Actors.Tests.Configuration;

public sealed class PruningStrategyIdsTests
{
    /// <summary>The ids below were computed by the build before the pruning strategy became a registry name (an
    /// enum then): every strategy a spec could name must keep naming the same searches.</summary>
    [Theory]
    [InlineData("layer-wise", "c0c193d8cbfb6835")]
    [InlineData("global", "ee4cdde3a323061d")]
    public void Each_strategy_keeps_the_search_id_it_had_as_an_enum(string strategy, string searchId)
    {
        var spec = SearchSpecReader.Read(LotteryConfig.FromText($"lottery.search.pruning.strategy = {strategy}"));

        Assert.Equal(strategy, spec.Pruning.Strategy);
        Assert.Equal(searchId, spec.SearchId);
    }
}
