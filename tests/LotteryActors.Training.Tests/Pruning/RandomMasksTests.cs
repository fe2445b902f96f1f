using LotteryActors.Training.Pruning;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Pruning;

public sealed class RandomMasksTests
{
    /// <summary>Layer "a" keeps 2 of 20 (its first 2), layer "b" keeps 9 of 10 (its first 9): 11 of 30 in all, so
    /// every layer at the overall density would keep 7 and 4, and a per-layer rule shows.</summary>
    private static Mask Ticket() => new(new Dictionary<string, Tensor>
    {
        ["a"] = tensor(Masks.OnesExcept(20, Enumerable.Range(2, 18).ToArray()), [4, 5]),
        ["b"] = tensor(Masks.OnesExcept(10, 9)),
    });

    [Fact]
    public void Keeps_the_tickets_count_and_shape_in_every_layer()
    {
        using var ticket = Ticket();

        using var random = RandomMasks.SameLayerDensities(ticket, 5);

        Assert.Equal(2, random.Kept("a"));
        Assert.Equal(9, random.Kept("b"));
        Assert.Equal([4, 5], random.Layers["a"].shape);
        Assert.Equal([10], random.Layers["b"].shape);
        Assert.All(random.Layers.Values.SelectMany(TensorAssert.Values), v => Assert.True(v is 0f or 1f));
    }

    [Fact]
    public void Is_deterministic_per_seed()
    {
        using var ticket = Ticket();

        using var first = RandomMasks.SameLayerDensities(ticket, 5);
        using var second = RandomMasks.SameLayerDensities(ticket, 5);

        TensorAssert.BitwiseEqual(first.Layers, second.Layers);
    }

    [Fact]
    public void Differs_across_seeds_and_from_the_ticket()
    {
        using var ticket = Ticket();

        using var first = RandomMasks.SameLayerDensities(ticket, 5);
        using var second = RandomMasks.SameLayerDensities(ticket, 6);

        Assert.True(TensorAssert.AnyDiffers(first.Layers, second.Layers));
        Assert.True(TensorAssert.AnyDiffers(ticket.Layers, first.Layers));
    }

    [Fact]
    public void Leaves_the_ticket_untouched()
    {
        using var ticket = Ticket();
        using var before = ticket.Clone();

        using var random = RandomMasks.SameLayerDensities(ticket, 5);

        TensorAssert.BitwiseEqual(before.Layers, ticket.Layers);
    }

    [Fact]
    public void Fully_pruned_and_dense_layers_stay_so()
    {
        using var ticket = Masks.Of(("empty", new float[8]), ("dense", Masks.Ones(8)));

        using var random = RandomMasks.SameLayerDensities(ticket, 5);

        Assert.Equal(0, random.Kept("empty"));
        Assert.Equal(8, random.Kept("dense"));
    }
}
