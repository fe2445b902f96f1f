using LotteryActors.Training.Models;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Models;

public sealed class NetworkFactoryTests
{
    [Theory]
    [InlineData(ModelFamily.Lenet300100, typeof(LeNet300100), 3)]
    [InlineData(ModelFamily.Conv2, typeof(ConvNet), 5)]
    [InlineData(ModelFamily.Conv4, typeof(ConvNet), 7)]
    [InlineData(ModelFamily.Conv6, typeof(ConvNet), 9)]
    public void Creates_the_familys_network(ModelFamily family, Type type, int prunableLayers)
    {
        using var network = NetworkFactory.Create(family, 0.125, [1, 28, 28], 10);

        Assert.IsType(type, network);
        Assert.Equal(prunableLayers, network.PrunableWeights.Count);
    }

    [Fact]
    public void LeNet_inputs_are_the_pixels_of_one_example()
    {
        using var network = NetworkFactory.Create(ModelFamily.Lenet300100, 1, [3, 32, 32], 10);

        Assert.Equal(3 * 32 * 32 * 300 + 300 * 100 + 100 * 10, network.ForwardMacsPerExample);
    }

    [Fact]
    public void DrawInit_is_deterministic_per_seed()
    {
        using var network = new LeNet300100(36, 0.5, 10);

        var first = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 42);
        var second = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 42);

        TensorAssert.BitwiseEqual(first, second);
        TensorAssert.DisposeAll(first);
        TensorAssert.DisposeAll(second);
    }

    [Fact]
    public void DrawInit_differs_across_seeds_in_every_weight()
    {
        using var network = new LeNet300100(36, 0.5, 10);

        var first = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 42);
        var second = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 43);

        Assert.All(network.PrunableWeights, name => Assert.False(TensorAssert.SameBits(first[name], second[name])));
        TensorAssert.DisposeAll(first);
        TensorAssert.DisposeAll(second);
    }

    [Fact]
    public void DrawInit_ignores_the_global_generator()
    {
        using var network = new LeNet300100(36, 0.5, 10);

        manual_seed(1);
        var first = NetworkFactory.DrawInit(network, InitScheme.KaimingNormal, 5);
        manual_seed(2);
        var second = NetworkFactory.DrawInit(network, InitScheme.KaimingNormal, 5);

        TensorAssert.BitwiseEqual(first, second);
        TensorAssert.DisposeAll(first);
        TensorAssert.DisposeAll(second);
    }

    [Fact]
    public void DrawInit_zeroes_every_bias_and_covers_every_parameter()
    {
        using var network = new ConvNet(1, [1, 28, 28], 0.125, 10);

        var init = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 3);

        Assert.Equal(network.named_parameters().Select(p => p.name).Order(), init.Keys.Order());
        var biases = init.Where(p => p.Key.EndsWith(".bias", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, biases.Count);
        Assert.All(biases, p => Assert.All(TensorAssert.Values(p.Value), v => Assert.Equal(0f, v)));
        TensorAssert.DisposeAll(init);
    }

    [Theory]
    [InlineData(InitScheme.GlorotNormal, "fc1.weight", 2.0 / (784 + 300))]
    [InlineData(InitScheme.GlorotNormal, "fc2.weight", 2.0 / (300 + 100))]
    [InlineData(InitScheme.KaimingNormal, "fc1.weight", 2.0 / 784)]
    public void Dense_weights_have_the_schemes_standard_deviation(InitScheme scheme, string layer, double variance)
    {
        using var network = new LeNet300100(784, 1, 10);

        var init = NetworkFactory.DrawInit(network, scheme, 9);

        AssertMeanZeroWithStd(init[layer], Math.Sqrt(variance));
        TensorAssert.DisposeAll(init);
    }

    [Theory]
    [InlineData(InitScheme.GlorotNormal, 2.0 / (64 * 9 + 64 * 9))]
    [InlineData(InitScheme.KaimingNormal, 2.0 / (64 * 9))]
    public void Convolution_fans_count_the_kernel_area(InitScheme scheme, double variance)
    {
        using var network = new ConvNet(1, [1, 28, 28], 1, 10);

        var init = NetworkFactory.DrawInit(network, scheme, 9);

        Assert.Equal([64, 64, 3, 3], init["convs.1.weight"].shape);
        AssertMeanZeroWithStd(init["convs.1.weight"], Math.Sqrt(variance));
        TensorAssert.DisposeAll(init);
    }

    private static void AssertMeanZeroWithStd(Tensor weights, double expectedStd)
    {
        using var std = weights.std();
        using var mean = weights.mean();
        Assert.InRange(std.item<float>(), expectedStd * 0.98, expectedStd * 1.02);
        Assert.InRange(mean.item<float>(), -0.05 * expectedStd, 0.05 * expectedStd);
    }
}
