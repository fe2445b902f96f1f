using LotteryActors.Training.Pruning;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Pruning;

public sealed class MagnitudePrunerTests
{
    private const string Output = "out";

    private static readonly float[] Hidden1 = [0.5f, -0.1f, 0.3f, -0.05f, 0.9f, 0.2f, -0.7f, 0.01f, 0.4f, -0.6f];

    /// <summary>|w| falls with the index: the last positions are the smallest.</summary>
    private static readonly float[] Hidden2 = Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? 1 : -1) * (20 - i) * 0.01f).ToArray();

    /// <summary>|w| grows with the index: position 0 is the smallest.</summary>
    private static readonly float[] OutputWeights = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? 1 : -1) * (i + 1) * 0.1f).ToArray();

    private static Mask DenseThreeLayers() =>
        Masks.Of(("h1", Masks.Ones(10)), ("h2", Masks.Ones(20)), (Output, Masks.Ones(10)));

    private static Dictionary<string, TorchSharp.torch.Tensor> ThreeLayerWeights() =>
        Masks.Weights(("h1", Hidden1), ("h2", Hidden2), (Output, OutputWeights));

    [Fact]
    public void LayerWise_removes_the_smallest_magnitudes_of_each_layer_at_its_rate()
    {
        using var mask = DenseThreeLayers();
        var weights = ThreeLayerWeights();

        using var next = PruningStrategies.LayerWise.Prune(mask, weights, Output, new PruningRates(0.2, 0.1));

        Assert.Equal([3, 7], Masks.PrunedPositions(next, "h1"));
        Assert.Equal([16, 17, 18, 19], Masks.PrunedPositions(next, "h2"));
        Assert.Equal([0], Masks.PrunedPositions(next, Output));
        TensorAssert.DisposeAll(weights);
    }

    [Fact]
    public void Pruning_leaves_the_current_mask_untouched()
    {
        using var mask = DenseThreeLayers();
        var weights = ThreeLayerWeights();

        using var next = PruningStrategies.LayerWise.Prune(mask, weights, Output, new PruningRates(0.2, 0.1));

        Assert.Equal(1.0, mask.Density);
        Assert.Equal(33.0 / 40, next.Density);
        TensorAssert.DisposeAll(weights);
    }

    [Fact]
    public void Mask_values_stay_exactly_zero_or_one()
    {
        using var mask = DenseThreeLayers();
        var weights = ThreeLayerWeights();

        using var next = PruningStrategies.Global.Prune(mask, weights, Output, new PruningRates(0.5, 0.5));

        Assert.All(next.Layers.Values.SelectMany(TensorAssert.Values), v => Assert.True(v is 0f or 1f));
        TensorAssert.DisposeAll(weights);
    }

    [Fact]
    public void Already_pruned_weights_stay_pruned_and_are_not_counted_again()
    {
        using var mask = Masks.Of(("h1", Masks.OnesExcept(10, 4, 7)), (Output, Masks.Ones(10)));
        var weights = Masks.Weights(("h1", Hidden1), (Output, OutputWeights));

        using var next = PruningStrategies.LayerWise.Prune(mask, weights, Output, new PruningRates(0.25, 0));

        Assert.Equal([1, 3, 4, 7], Masks.PrunedPositions(next, "h1"));
        TensorAssert.DisposeAll(weights);
    }

    [Fact]
    public void A_pruned_weight_that_training_left_non_zero_stays_pruned()
    {
        using var mask = Masks.Of(("h1", Masks.OnesExcept(10, 4)), (Output, Masks.Ones(10)));
        var weights = Masks.Weights(("h1", Hidden1), (Output, OutputWeights));

        using var next = PruningStrategies.LayerWise.Prune(mask, weights, Output, new PruningRates(0.9, 0));

        Assert.Equal(1, next.Kept("h1"));
        Assert.Equal([0, 1, 2, 3, 4, 5, 7, 8, 9], Masks.PrunedPositions(next, "h1"));
        TensorAssert.DisposeAll(weights);
    }

    [Fact]
    public void Global_pools_hidden_layers_so_an_all_small_layer_loses_more()
    {
        var small = Enumerable.Range(1, 10).Select(i => i * 0.01f).ToArray();
        var large = Enumerable.Range(1, 20).Select(i => 1 + i * 0.05f).ToArray();
        using var mask = Masks.Of(("small", Masks.Ones(10)), ("large", Masks.Ones(20)), (Output, Masks.Ones(10)));
        var weights = Masks.Weights(("small", small), ("large", large), (Output, OutputWeights));

        using var global = PruningStrategies.Global.Prune(mask, weights, Output, new PruningRates(0.5, 0.2));
        using var layerWise = PruningStrategies.LayerWise.Prune(mask, weights, Output, new PruningRates(0.5, 0.2));

        // Global would take all ten small weights; the guard spares the largest of them.
        Assert.Equal([9], Masks.KeptPositions(global, "small"));
        Assert.Equal([0, 1, 2, 3, 4], Masks.PrunedPositions(global, "large"));
        Assert.Equal(5, layerWise.Kept("small"));
        Assert.Equal(10, layerWise.Kept("large"));
        Assert.Equal([0, 1], Masks.PrunedPositions(global, Output));
        TensorAssert.DisposeAll(weights);
    }

    [Fact]
    public void Global_never_pools_the_output_layer()
    {
        var tiny = Enumerable.Repeat(1e-6f, 10).ToArray();
        using var mask = Masks.Of(("h1", Masks.Ones(10)), (Output, Masks.Ones(10)));
        var weights = Masks.Weights(("h1", Hidden1), (Output, tiny));

        using var next = PruningStrategies.Global.Prune(mask, weights, Output, new PruningRates(0.5, 0));

        Assert.Equal(5, next.Kept("h1"));
        Assert.Equal(10, next.Kept(Output));
        TensorAssert.DisposeAll(weights);
    }

    [Fact]
    public void Ties_go_to_the_earlier_position()
    {
        using var mask = Masks.Of(("h1", Masks.Ones(6)), (Output, Masks.Ones(4)));
        var weights = Masks.Weights(("h1", [1f, -1f, 1f, 1f, -1f, 1f]), (Output, [2f, 2f, -2f, 2f]));

        using var next = PruningStrategies.LayerWise.Prune(mask, weights, Output, new PruningRates(0.5, 0.5));

        Assert.Equal([0, 1, 2], Masks.PrunedPositions(next, "h1"));
        Assert.Equal([0, 1], Masks.PrunedPositions(next, Output));
        TensorAssert.DisposeAll(weights);
    }

    [Fact]
    public void Global_ties_go_to_the_earlier_layer()
    {
        using var mask = Masks.Of(("first", Masks.Ones(3)), ("second", Masks.Ones(3)), (Output, Masks.Ones(2)));
        var weights = Masks.Weights(("first", [0.5f, 0.5f, 0.5f]), ("second", [0.5f, 0.5f, 0.5f]), (Output, [1f, 1f]));

        using var next = PruningStrategies.Global.Prune(mask, weights, Output, new PruningRates(0.5, 0));

        // The three ties of the earlier layer go first; the guard keeps the last of them, so the layer survives.
        Assert.Equal([0, 1], Masks.PrunedPositions(next, "first"));
        Assert.Equal(3, next.Kept("second"));
        TensorAssert.DisposeAll(weights);
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(7, 4)]
    [InlineData(3, 2)]
    [InlineData(1, 0)]
    public void A_halfway_count_rounds_to_even(int remaining, int expectedPruned)
    {
        var values = Enumerable.Range(1, remaining).Select(i => (float)i).ToArray();
        using var mask = Masks.Of(("h1", Masks.Ones(remaining)), (Output, Masks.Ones(2)));
        var weights = Masks.Weights(("h1", values), (Output, [1f, 2f]));

        using var next = PruningStrategies.LayerWise.Prune(mask, weights, Output, new PruningRates(0.5, 0));

        Assert.Equal(remaining - expectedPruned, next.Kept("h1"));
        TensorAssert.DisposeAll(weights);
    }

    [Fact]
    public void Pruning_the_same_weights_twice_gives_the_same_mask()
    {
        using var mask = DenseThreeLayers();
        var weights = ThreeLayerWeights();

        using var first = PruningStrategies.Global.Prune(mask, weights, Output, new PruningRates(0.3, 0.1));
        using var second = PruningStrategies.Global.Prune(mask, weights, Output, new PruningRates(0.3, 0.1));

        TensorAssert.BitwiseEqual(first.Layers, second.Layers);
        TensorAssert.DisposeAll(weights);
    }

    [Fact]
    public void Two_dimensional_weights_are_pruned_by_flat_position()
    {
        using var mask = new Mask(new Dictionary<string, TorchSharp.torch.Tensor>
        {
            ["h1"] = TorchSharp.torch.ones(2, 5),
            [Output] = TorchSharp.torch.ones(2, 2),
        });
        var weights = new Dictionary<string, TorchSharp.torch.Tensor>
        {
            ["h1"] = TorchSharp.torch.tensor(Hidden1, [2, 5]),
            [Output] = TorchSharp.torch.tensor(new[] { 4f, 3f, 2f, 1f }, [2, 2]),
        };

        using var next = PruningStrategies.LayerWise.Prune(mask, weights, Output, new PruningRates(0.2, 0.5));

        Assert.Equal([2, 5], next.Layers["h1"].shape);
        Assert.Equal([3, 7], Masks.PrunedPositions(next, "h1"));
        Assert.Equal([2, 3], Masks.PrunedPositions(next, Output));
        TensorAssert.DisposeAll(weights);
    }

    [Theory]
    [InlineData("layer-wise")]
    [InlineData("global")]
    public void No_layer_is_ever_pruned_to_zero_weights(string strategy)
    {
        using var mask = Masks.Of(("h1", Masks.OnesExcept(10, 0, 1, 2, 3, 4, 5, 6, 7)), (Output, Masks.Ones(2)));
        var weights = Masks.Weights(("h1", Hidden1), (Output, [1f, 2f]));

        // 0.99 of two survivors rounds to both, and 0.9 of the output's two likewise.
        using var next = PruningStrategies.Get(strategy).Prune(mask, weights, Output, new PruningRates(0.99, 0.9));

        Assert.Equal([9], Masks.KeptPositions(next, "h1"));
        Assert.Equal([1], Masks.KeptPositions(next, Output));
        TensorAssert.DisposeAll(weights);
    }

    [Theory]
    [InlineData("layer-wise")]
    [InlineData("global")]
    public void Conv_layers_are_pruned_at_their_own_rate_apart_from_the_fully_connected_and_output_layers(
        string strategy)
    {
        // One conv layer (20 weights, 4-D), one fully connected (10) and the output (10), with |w| growing with the
        // flat index in every layer: each rate shows as a prefix of its own layer.
        var ramp = Enumerable.Range(1, 20).Select(i => i * 0.01f).ToArray();
        using var mask = new Mask(new Dictionary<string, TorchSharp.torch.Tensor>
        {
            ["conv"] = TorchSharp.torch.ones(5, 1, 2, 2),
            ["fc"] = TorchSharp.torch.ones(2, 5),
            [Output] = TorchSharp.torch.ones(2, 5),
        });
        var weights = new Dictionary<string, TorchSharp.torch.Tensor>
        {
            ["conv"] = TorchSharp.torch.tensor(ramp, [5, 1, 2, 2]),
            ["fc"] = TorchSharp.torch.tensor(ramp[..10], [2, 5]),
            [Output] = TorchSharp.torch.tensor(ramp[..10], [2, 5]),
        };

        using var next = PruningStrategies.Get(strategy).Prune(mask, weights, Output,
            new PruningRates(0.2, 0.1, ConvRate: 0.1));
        using var sameRate = PruningStrategies.Get(strategy).Prune(mask, weights, Output, new PruningRates(0.2, 0.1));

        Assert.Equal([0, 1], Masks.PrunedPositions(next, "conv"));
        Assert.Equal([0, 1], Masks.PrunedPositions(next, "fc"));
        Assert.Equal([0], Masks.PrunedPositions(next, Output));
        // Without a conv rate the conv layer is a hidden layer like the rest: 20% of its own 20, or its share of
        // the 6 smallest of the pooled 30 (ties alternate between the layers, the conv layer first).
        Assert.Equal(strategy == "layer-wise" ? new[] { 0, 1, 2, 3 } : new[] { 0, 1, 2 },
            Masks.PrunedPositions(sameRate, "conv"));
        TensorAssert.DisposeAll(weights);
    }
}
