using LotteryActors.Training.Models;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Models;

public sealed class ConvNetTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Forward_on_MNIST_shaped_input_gives_class_logits(int pairs)
    {
        using var network = new ConvNet(pairs, [1, 28, 28], 0.125, 10);
        using var input = randn(2, 1, 28, 28);

        using var output = network.forward(input);

        Assert.Equal([2, 10], output.shape);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Prunes_every_convolution_and_dense_layer_with_the_output_last(int pairs)
    {
        using var network = new ConvNet(pairs, [3, 32, 32], 0.125, 10);

        Assert.Equal(2 * pairs + 3, network.PrunableWeights.Count);
        Assert.Equal("fc3.weight", network.OutputWeight);
        Assert.All(network.PrunableWeights.Take(2 * pairs), name => Assert.StartsWith("convs.", name));
    }

    [Fact]
    public void Conv2_counts_convolution_and_dense_multiply_adds()
    {
        using var network = new ConvNet(1, [1, 28, 28], 1, 10);

        const long conv1 = 1L * 64 * 9 * 28 * 28;
        const long conv2 = 64L * 64 * 9 * 28 * 28;
        const long flat = 64L * 14 * 14;
        Assert.Equal(conv1 + conv2 + flat * 256 + 256 * 256 + 256 * 10, network.ForwardMacsPerExample);
    }

    [Fact]
    public void Width_scales_the_channels_of_every_layer()
    {
        using var network = new ConvNet(2, [3, 32, 32], 0.5, 10);

        var shapes = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.Equal([32, 3, 3, 3], shapes["convs.0.weight"]);
        Assert.Equal([64, 32, 3, 3], shapes["convs.2.weight"]);
        Assert.Equal([128, 64 * 8 * 8], shapes["fc1.weight"]);
        Assert.Equal([10, 128], shapes["fc3.weight"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Refuses_pair_counts_other_than_one_to_three(int pairs)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvNet(pairs, [1, 28, 28], 1, 10));
    }
}
