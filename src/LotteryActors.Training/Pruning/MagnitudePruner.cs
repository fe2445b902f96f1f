using static TorchSharp.torch;

namespace LotteryActors.Training.Pruning;

/// <summary>
/// Removes the smallest-magnitude surviving weights, for the magnitude strategies (<see cref="LayerWiseMagnitude"/>,
/// <see cref="GlobalMagnitude"/>), which differ only in which hidden layers compete together (<c>pool</c>). The hidden
/// layers lose <c>rate</c> of what remains of them; the output layer loses <c>outputRate</c> of its own, because
/// pruning it as hard as the rest costs accuracy (Frankle &amp; Carbin prune it at half rate). With a <c>convRate</c>,
/// convolutional layers (4-D weights) are pruned at that rate apart from the fully connected ones, as Frankle &amp;
/// Carbin do for Conv-2/4/6 (10-15% against 20%); without one they are hidden layers like the rest. No layer is
/// ever pruned to nothing: a layer that would lose its last weights keeps its largest one, so the net still
/// computes something. Ties are broken by position, so the same weights always give the same mask.
/// </summary>
public static class MagnitudePruner
{
    /// <param name="pool">Splits the hidden layers of one rate into the groups whose weights compete together.</param>
    public static Mask Prune(Mask current, IReadOnlyDictionary<string, Tensor> trained, string outputLayer,
        PruningRates rates, Func<IReadOnlyList<string>, IEnumerable<IReadOnlyList<string>>> pool)
    {
        var next = current.Clone();
        var hidden = current.Layers.Keys.Where(n => n != outputLayer).ToList();
        var groups = rates.ConvRate is { } conv
            ? new[]
            {
                (Layers: hidden.Where(l => IsConv(current, l)).ToList(), Rate: conv),
                (Layers: hidden.Where(l => !IsConv(current, l)).ToList(), Rate: rates.Rate),
            }
            : [(Layers: hidden, Rate: rates.Rate)];
        foreach (var (layers, groupRate) in groups)
            foreach (var together in pool(layers))
                PruneTogether(next, trained, together, groupRate);
        if (current.Layers.ContainsKey(outputLayer))
            PruneTogether(next, trained, [outputLayer], rates.OutputRate);
        return next;
    }

    /// <summary>A convolution's weight is [out channels, in channels, kernel height, kernel width].</summary>
    private static bool IsConv(Mask mask, string layer) => mask.Layers[layer].dim() == 4;

    private static void PruneTogether(Mask mask, IReadOnlyDictionary<string, Tensor> trained, IReadOnlyList<string> layers, double rate)
    {
        if (layers.Count == 0 || rate <= 0)
            return;
        using var scope = NewDisposeScope();
        var masks = layers.Select(l => mask.Layers[l]).ToList();
        var scores = cat(layers.Select((l, i) => Scores(trained[l], masks[i])).ToArray());
        var remaining = masks.Sum(m => m.count_nonzero().item<long>());
        var toPrune = (long)Math.Round(rate * remaining, MidpointRounding.ToEven);
        if (toPrune == 0)
            return;
        var order = scores.sort(dim: 0, descending: false, stable: true).Indices;
        var pruned = order[..(int)toPrune];
        var offset = 0L;
        foreach (var m in masks)
        {
            var size = m.numel();
            var inLayer = pruned[(pruned >= offset) & (pruned < offset + size)] - offset;
            // The chosen positions come in ascending magnitude, so sparing the last spares the largest.
            if (inLayer.numel() > 0 && inLayer.numel() == m.count_nonzero().item<long>())
                inLayer = inLayer.narrow(0, 0, inLayer.numel() - 1);
            m.view(-1).index_fill_(0, inLayer, 0f);
            offset += size;
        }
    }

    /// <summary>|w| for surviving weights; +inf for pruned ones so they are never counted twice.</summary>
    private static Tensor Scores(Tensor weight, Tensor mask) =>
        where(mask.view(-1) > 0, weight.detach().cpu().abs().view(-1), float.PositiveInfinity);
}
