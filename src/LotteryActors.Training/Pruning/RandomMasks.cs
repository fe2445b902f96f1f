using static TorchSharp.torch;

namespace LotteryActors.Training.Pruning;

/// <summary>
/// The random-pruning control: a mask that keeps exactly as many weights per layer as the ticket's mask,
/// at positions drawn uniformly from an explicit generator.
/// </summary>
public static class RandomMasks
{
    public static Mask SameLayerDensities(Mask ticket, long seed)
    {
        using var generator = new Generator((ulong)seed);
        var layers = new Dictionary<string, Tensor>();
        foreach (var (name, ticketLayer) in ticket.Layers)
        {
            using var scope = NewDisposeScope();
            var kept = ticketLayer.count_nonzero().item<long>();
            var size = ticketLayer.numel();
            var layer = zeros(size);
            var positions = randperm(size, generator: generator)[..(int)kept];
            layer.index_fill_(0, positions, 1f);
            layers[name] = layer.view(ticketLayer.shape).MoveToOuterDisposeScope();
        }
        return new Mask(layers);
    }
}
