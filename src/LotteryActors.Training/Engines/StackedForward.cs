using LotteryActors.Training.Models;
using static TorchSharp.torch;

namespace LotteryActors.Training.Engines;

/// <summary>
/// The forward pass of K members of one architecture, each over its own batch, read from the network's
/// framework-neutral <see cref="PrunableNetwork.Steps"/> (which its own <c>forward</c> must compute exactly, so a
/// stack cannot drift from training alone). Layers are stacked along a leading K: a weight [K, out, in, ...], a bias
/// [K, out]. Fully connected layers are one batched matmul over activations [K, B, features]. Convolutions are one
/// grouped convolution (groups = K) over activations [B, K * channels, H, W], member k's channels in the k-th block,
/// its kernels the k-th block of the [K * out, in, kh, kw] view of the stacked weight: a group reads only its own
/// member's channels and kernels, and so do ReLU and 2x2 max-pooling (per channel), so a member's values never reach
/// another's. Flatten turns the blocks back into [K, B, channels * H * W], in the order a member's own flatten uses.
/// Only networks shaped as Conv-2/4/6 and LeNet-300-100 stack: convolutions, ReLU and 2x2 max-pooling, one
/// flatten, then fully connected layers and ReLU.
/// </summary>
internal sealed class StackedForward
{
    private static readonly LayerStep Pool = LayerStep.MaxPool2d(2);
    private readonly IReadOnlyList<LayerStep> steps;
    private readonly Dictionary<string, int> layerOf;

    public StackedForward(PrunableNetwork network)
    {
        steps = network.Steps;
        var flatten = steps.Select((s, i) => (s, i)).Where(p => p.s == LayerStep.Flatten).Select(p => p.i).ToList();
        if (flatten.Count != 1 || !steps.Take(flatten[0]).All(s => s.Op is "conv2d" or "relu" || s == Pool)
                               || !steps.Skip(flatten[0] + 1).All(s => s.Op is "linear" or "relu"))
            throw new NotSupportedException($"{network.GetName()} does not stack: only convolutions, ReLU and "
                + "2x2 max-pooling, one flatten, then fully connected layers and ReLU do");
        Layers = network.PrunableWeights.Select(n => n[..^".weight".Length]).ToList();
        layerOf = Layers.Select((l, i) => (l, i)).ToDictionary(p => $"{p.l}.weight", p => p.i);
    }

    /// <summary>The layers' module names in forward order: what the session stacks a weight and a bias for.</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>
    /// The members' logits [K, B, classes]: member k's batch is <paramref name="images"/> at row k of
    /// <paramref name="indices"/> [K, B], through its own slices of <paramref name="weights"/> and
    /// <paramref name="biases"/> (one per layer of <see cref="Layers"/>). Temporaries belong to the caller's scope.
    /// </summary>
    public Tensor Logits(Tensor images, Tensor indices, IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> biases)
    {
        var (k, batch) = (indices.shape[0], indices.shape[1]);
        // Before a flatten the members' examples sit side by side in the channels (the rows gathered batch-major),
        // which only convolutions need; a network that starts with its flatten takes them member-major.
        var memberMajor = steps[0] == LayerStep.Flatten;
        var x = memberMajor
            ? images.index_select(0, indices.reshape(-1))
            : images.index_select(0, indices.t().reshape(-1)).view(batch, k * images.shape[1], images.shape[2],
                images.shape[3]);
        foreach (var step in steps)
            x = step.Op switch
            {
                "flatten" => memberMajor ? x.reshape(k, batch, -1) : x.view(batch, k, -1).transpose(0, 1),
                "conv2d" => nn.functional.conv2d(x, weights[layerOf[step.Weight!]].flatten(0, 1),
                    biases[layerOf[step.Weight!]].flatten(), padding: [step.Padding!.Value, step.Padding!.Value],
                    groups: k),
                "max-pool2d" => MaxPool2x2.Forward(x),
                "relu" => nn.functional.relu(x),
                _ => bmm(x, weights[layerOf[step.Weight!]].transpose(1, 2))
                    .add_(biases[layerOf[step.Weight!]].unsqueeze(1)),
            };
        return x;
    }
}
