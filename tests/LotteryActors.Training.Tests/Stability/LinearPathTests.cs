using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Stability;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Stability;

/// <summary>
/// The line between two networks: hand-made two-layer dictionaries whose every weight is non-zero (so a pruned entry
/// is zero only because the path masked it), and a real LeNet on the synthetic data for the measured errors.
/// </summary>
public sealed class LinearPathTests : IDisposable
{
    private static readonly double[] Alphas = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];

    private readonly List<IDisposable> owned = [];

    public void Dispose()
    {
        foreach (var d in owned)
            d.Dispose();
    }

    private Dictionary<string, Tensor> Weights(float[] layer, float bias)
    {
        var weights = new Dictionary<string, Tensor>
        {
            ["a.weight"] = tensor(layer), ["a.bias"] = tensor(new[] { bias }),
        };
        owned.AddRange(weights.Values);
        return weights;
    }

    private Mask Keep(float[] keep)
    {
        var mask = new Mask(new Dictionary<string, Tensor> { ["a.weight"] = tensor(keep) });
        owned.Add(mask);
        return mask;
    }

    private static float[] Values(IReadOnlyDictionary<string, Tensor> weights, string name) =>
        weights[name].data<float>().ToArray();

    [Fact]
    public void One_mask_keeps_every_pruned_weight_at_positive_zero_along_the_line()
    {
        var mask = Keep([1, 0, 1, 0]);
        var first = new PathEnd(Weights([1, -2, 3, -4], 0.5f), mask);
        var second = new PathEnd(Weights([-1, 5, 7, -6], 1.5f), mask);

        foreach (var alpha in Alphas)
        {
            var point = LinearPath.At(first, second, alpha);
            try
            {
                var w = Values(point, "a.weight");
                Assert.Equal((float)((1 - alpha) * 1 + alpha * -1), w[0], 6);
                Assert.Equal((float)((1 - alpha) * 3 + alpha * 7), w[2], 6);
                // +0.0 bit for bit: -0.0 would be another artifact's bytes.
                Assert.Equal(0, BitConverter.SingleToInt32Bits(w[1]));
                Assert.Equal(0, BitConverter.SingleToInt32Bits(w[3]));
                // Biases are never pruned: they move along the line with everything else.
                Assert.Equal((float)(0.5 * (1 - alpha) + 1.5 * alpha), Values(point, "a.bias")[0], 6);
            }
            finally
            {
                point.DisposeAll();
            }
        }
    }

    [Fact]
    public void Two_masks_meet_in_their_union_each_side_fading_out_where_its_own_mask_prunes()
    {
        var first = new PathEnd(Weights([1, 2, 3, 4], 0), Keep([1, 1, 0, 0]));
        var second = new PathEnd(Weights([10, 20, 30, 40], 0), Keep([1, 0, 1, 0]));

        foreach (var alpha in Alphas)
        {
            var point = LinearPath.At(first, second, alpha);
            try
            {
                var w = Values(point, "a.weight");
                Assert.Equal((float)((1 - alpha) * 1 + alpha * 10), w[0], 5);
                Assert.Equal((float)((1 - alpha) * 2), w[1], 5);
                Assert.Equal((float)(alpha * 30), w[2], 5);
                Assert.Equal(0, BitConverter.SingleToInt32Bits(w[3]));
            }
            finally
            {
                point.DisposeAll();
            }
        }
    }

    [Fact]
    public void The_ends_of_the_line_are_the_masked_networks_bit_for_bit()
    {
        var first = new PathEnd(Weights([1.1f, 0, -3.3f, 0], 0.7f), Keep([1, 0, 1, 0]));
        var second = new PathEnd(Weights([9.9f, 8.8f, 0, 0], -0.2f), Keep([1, 1, 0, 0]));

        var start = LinearPath.At(first, second, 0);
        var end = LinearPath.At(first, second, 1);
        owned.AddRange(start.Values);
        owned.AddRange(end.Values);

        TensorAssert.BitwiseEqual(first.Weights, start);
        TensorAssert.BitwiseEqual(second.Weights, end);
    }

    [Fact]
    public void A_network_joined_to_itself_measures_its_own_error_all_along_and_no_barrier()
    {
        set_num_threads(1);
        using var data = SyntheticData.Splits();
        using var network = NetworkFactory.For(ModelFamily.Lenet300100, 0.25, data);
        var init = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 3);
        owned.AddRange(init.Values);
        var mask = Mask.Dense(init, network.PrunableWeights);
        owned.Add(mask);
        var end = new PathEnd(init, mask);

        var (validation, test) = LinearPath.Measure(network, data, end, end, Alphas);

        Assert.Equal(Alphas, validation.Alphas);
        Assert.Single(validation.Errors.Distinct());
        Assert.Single(test.Errors.Distinct());
        Assert.InRange(validation.Errors[0], 0, 1);
        Assert.Equal(0, validation.Barrier);
        Assert.Equal(0, test.Barrier);
    }
}
