using static TorchSharp.torch;

namespace LotteryActors.Training.Pruning;

/// <summary>
/// Which weights of each prunable layer survive: float tensors of 0 and 1 shaped like the weights they mask,
/// kept on the CPU. The mask owns its tensors.
/// </summary>
public sealed class Mask : IDisposable
{
    private readonly Dictionary<string, Tensor> layers;

    public Mask(Dictionary<string, Tensor> layers) => this.layers = layers;

    public IReadOnlyDictionary<string, Tensor> Layers => layers;

    public static Mask Dense(IReadOnlyDictionary<string, Tensor> init, IEnumerable<string> prunable) =>
        new(prunable.ToDictionary(name => name, name => ones_like(init[name])));

    public long Kept(string layer) => layers[layer].count_nonzero().item<long>();

    public long Total(string layer) => layers[layer].numel();

    public long KeptTotal => layers.Keys.Sum(Kept);

    public long SizeTotal => layers.Keys.Sum(Total);

    /// <summary>Fraction of prunable weights that survive.</summary>
    public double Density => (double)KeptTotal / SizeTotal;

    /// <summary>
    /// Sets the pruned entries of <paramref name="weight"/> (where <paramref name="layerMask"/> is 0) to +0.0, in
    /// place. Multiplying by the mask would leave -0.0 wherever the weight was negative: equal to 0 as a number, but
    /// other bytes, so another artifact hash. The masked optimizer then keeps them at +0.0 bit for bit.
    /// </summary>
    public static Tensor ZeroPruned(Tensor weight, Tensor layerMask)
    {
        using var pruned = layerMask.eq(0);
        return weight.masked_fill_(pruned, 0f);
    }

    public Mask Clone() => new(layers.ToDictionary(p => p.Key, p => p.Value.clone()));

    public void Dispose() => layers.DisposeAll();
}
