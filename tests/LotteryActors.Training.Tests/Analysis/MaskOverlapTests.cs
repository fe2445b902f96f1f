using LotteryActors.Training.Analysis;
using LotteryActors.Training.Pruning;

namespace LotteryActors.Training.Tests.Analysis;

public sealed class MaskOverlapTests : IDisposable
{
    // fc1: A keeps {0,1}, B keeps {0,2}: both {0}, either {0,1,2} -> 1/3.
    // fc2: both keep {0,2} -> 1. Overall: (1 + 2) / (3 + 2) = 0.6.
    private readonly Mask a = HandTensors.Mask(("fc1.weight", [1, 1, 0, 0], [2, 2]), ("fc2.weight", [1, 0, 1], [3]));
    private readonly Mask b = HandTensors.Mask(("fc1.weight", [1, 0, 1, 0], [2, 2]), ("fc2.weight", [1, 0, 1], [3]));

    public void Dispose()
    {
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public void Jaccard_counts_kept_in_both_over_kept_in_either_overall_and_per_layer()
    {
        var jaccard = MaskOverlap.Jaccard(a, b);

        Assert.Equal(0.6, jaccard.Overall, 12);
        Assert.Equal(1.0 / 3, jaccard.PerLayer["fc1.weight"], 12);
        Assert.Equal(1.0, jaccard.PerLayer["fc2.weight"], 12);
        Assert.Equal(2, jaccard.PerLayer.Count);
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.2, 0.2 / 1.8)]
    [InlineData(0.108, 0.108 / 1.892)]
    public void The_chance_jaccard_at_density_d_is_d_over_2_minus_d(double density, double expected) =>
        Assert.Equal(expected, MaskOverlap.ChanceJaccard(density), 12);

    [Fact]
    public void The_chance_jaccard_of_two_masks_weights_each_layer_by_its_size_and_densities()
    {
        // fc1 (4 weights): densities 1/2 and 1/2 -> both 4/4 = 1, either 4 * 3/4 = 3.
        // fc2 (3 weights): 2/3 and 2/3 -> both 3 * 4/9 = 4/3, either 3 * 8/9 = 8/3. Overall (7/3) / (17/3).
        Assert.Equal(7.0 / 17, MaskOverlap.ChanceJaccard(a, b), 12);
    }

    [Fact]
    public void Random_masks_at_one_density_overlap_as_the_formula_says()
    {
        var everyTenth = Enumerable.Range(0, 200_000).Select(i => i % 10 == 0 ? 1f : 0f).ToArray();
        using var ticket = HandTensors.Mask(("fc.weight", everyTenth, [200_000]));
        using var first = RandomMasks.SameLayerDensities(ticket, 1);
        using var second = RandomMasks.SameLayerDensities(ticket, 2);

        // 20,000 of 200,000 kept each: the measured overlap's standard deviation is about 0.002.
        Assert.Equal(MaskOverlap.ChanceJaccard(0.1), MaskOverlap.ChanceJaccard(first, second), 12);
        Assert.InRange(MaskOverlap.Jaccard(first, second).Overall, 0.1 / 1.9 - 0.01, 0.1 / 1.9 + 0.01);
    }

    [Fact]
    public void Layers_that_both_masks_prune_entirely_count_as_identical()
    {
        using var empty1 = HandTensors.Mask(("fc.weight", [0, 0], [2]));
        using var empty2 = HandTensors.Mask(("fc.weight", [0, 0], [2]));

        Assert.Equal(1.0, MaskOverlap.Jaccard(empty1, empty2).Overall);
    }

    [Fact]
    public void Pairwise_matrix_is_symmetric_with_ones_on_the_diagonal()
    {
        using var c = HandTensors.Mask(("fc1.weight", [0, 0, 1, 1], [2, 2]), ("fc2.weight", [0, 1, 0], [3]));

        var matrix = MaskOverlap.PairwiseJaccard([a, b, c]);

        // A and C are disjoint; B and C share fc1[2] of the 6 weights either keeps.
        double[,] expected = { { 1, 0.6, 0 }, { 0.6, 1, 1.0 / 6 }, { 0, 1.0 / 6, 1 } };
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
                Assert.Equal(expected[i, j], matrix[i, j], 12);
    }

    [Fact]
    public void Masks_of_different_shapes_are_refused_rather_than_broadcast()
    {
        using var row = HandTensors.Mask(("fc.weight", [1, 0, 1], [3]));
        using var one = HandTensors.Mask(("fc.weight", [1], [1]));

        Assert.Throws<ArgumentException>(() => MaskOverlap.Jaccard(row, one));
    }
}
