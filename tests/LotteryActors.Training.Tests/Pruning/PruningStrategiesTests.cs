using LotteryActors.Training.Pruning;

namespace LotteryActors.Training.Tests.Pruning;

public sealed class PruningStrategiesTests
{
    [Fact]
    public void The_names_a_spec_may_use_are_those_of_the_enum_the_registry_replaced()
    {
        // A name is part of every search id that used it: one renamed or dropped orphans those searches.
        Assert.Equal(["layer-wise", "global"], PruningStrategies.Names);
    }

    [Fact]
    public void Each_name_finds_the_strategy_that_bears_it()
    {
        Assert.All(PruningStrategies.Names, name => Assert.Equal(name, PruningStrategies.Get(name).Name));
        Assert.Same(PruningStrategies.LayerWise, PruningStrategies.Get("layer-wise"));
        Assert.Same(PruningStrategies.Global, PruningStrategies.Get("global"));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("Global")]
    [InlineData(" global")]
    public void An_unknown_name_is_refused_with_the_allowed_ones(string name)
    {
        Assert.False(PruningStrategies.Exists(name));
        var error = Assert.Throws<ArgumentException>(() => PruningStrategies.Get(name));
        Assert.Contains("allowed: layer-wise, global", error.Message);
    }
}
