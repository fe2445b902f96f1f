using LotteryActors.Training.Pruning;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Pruning;

public sealed class MaskTests
{
    [Fact]
    public void Density_is_the_fraction_of_prunable_weights_kept()
    {
        using var mask = Masks.Of(("a", Masks.OnesExcept(4, 2)), ("b", Masks.OnesExcept(6, 0, 1, 5)));

        Assert.Equal(3, mask.Kept("a"));
        Assert.Equal(4, mask.Total("a"));
        Assert.Equal(6, mask.KeptTotal);
        Assert.Equal(10, mask.SizeTotal);
        Assert.Equal(0.6, mask.Density);
    }

    [Fact]
    public void Dense_covers_only_the_prunable_layers_with_ones()
    {
        var init = new Dictionary<string, Tensor> { ["w"] = randn(3, 4), ["b"] = randn(3) };

        using var mask = Mask.Dense(init, ["w"]);

        Assert.Equal(["w"], mask.Layers.Keys);
        Assert.Equal([3, 4], mask.Layers["w"].shape);
        Assert.Equal(1.0, mask.Density);
        TensorAssert.DisposeAll(init);
    }

    [Fact]
    public void Clone_is_independent_of_the_original()
    {
        using var mask = Masks.Of(("a", Masks.Ones(4)));
        using var clone = mask.Clone();

        clone.Layers["a"].zero_();

        Assert.Equal(1.0, mask.Density);
        Assert.Equal(0.0, clone.Density);
    }
}
