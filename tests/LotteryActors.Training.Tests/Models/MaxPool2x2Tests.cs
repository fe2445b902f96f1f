using LotteryActors.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Models;

/// <summary>
/// The pooling the conv nets train with against libtorch's <c>max_pool2d(x, 2)</c>, which trained every committed conv
/// run: values and gradients compared as bits, on activations full of ties (rounded ReLU outputs), with NaN and -inf
/// windows, at widths the eight-column pass covers, cannot cover, and leaves a remainder of, odd sizes included.
/// </summary>
public sealed class MaxPool2x2Tests
{
    public static TheoryData<long[]> Shapes => new()
    {
        new long[] { 4, 3, 28, 28 }, new long[] { 2, 5, 14, 14 }, new long[] { 3, 2, 7, 7 }, new long[] { 1, 2, 9, 17 },
        new long[] { 2, 1, 2, 2 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Values_and_gradients_are_libtorchs_bit_for_bit(long[] shape)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var activations = nn.functional.relu(randn(shape, generator: generator).mul(2)).round();
        // The first plane: windows of -inf only, one NaN after a -inf, two NaNs in one window (the later counts).
        activations.view(shape[0] * shape[1], -1)[0].fill_(float.NegativeInfinity);
        var flat = activations.view(-1);
        foreach (var nan in new[] { 0, 3, shape[3] })
            flat[nan].fill_(float.NaN);
        var ours = activations.clone().requires_grad_(true);
        var theirs = activations.clone().requires_grad_(true);
        var gradient = randn(shape[0], shape[1], shape[2] / 2, shape[3] / 2, generator: generator);

        var pooled = MaxPool2x2.Forward(ours);
        var expected = nn.functional.max_pool2d(theirs, 2);
        pooled.backward([gradient]);
        expected.backward([gradient]);

        Assert.Equal(expected.shape, pooled.shape);
        Assert.Equal(Bits(expected), Bits(pooled));
        Assert.Equal(Bits(theirs.grad!), Bits(ours.grad!));
    }

    [Fact]
    public void A_tensor_that_is_not_contiguous_pools_as_libtorch_does()
    {
        using var scope = NewDisposeScope();
        var activations = randn(2, 3, 8, 10).transpose(2, 3);

        Assert.Equal(Bits(nn.functional.max_pool2d(activations, 2)), Bits(MaxPool2x2.Forward(activations)));
    }

    private static int[] Bits(Tensor t) =>
        t.detach().contiguous().view(-1).data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
}
