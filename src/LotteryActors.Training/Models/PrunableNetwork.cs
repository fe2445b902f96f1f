using TorchSharp;
using static TorchSharp.torch;

namespace LotteryActors.Training.Models;

/// <summary>
/// A classifier whose weight matrices and kernels can be masked. Biases are never pruned, as in Frankle &amp; Carbin.
/// The last prunable weight is the output layer, which pruning treats at its own rate.
/// </summary>
public abstract class PrunableNetwork(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>Names of the prunable weights in forward order, as <c>named_parameters</c> spells them.</summary>
    public IReadOnlyList<string> PrunableWeights =>
        named_parameters().Select(p => p.name).Where(n => n.EndsWith(".weight", StringComparison.Ordinal)).ToList();

    public string OutputWeight => PrunableWeights[^1];

    /// <summary>The forward pass as framework-neutral steps over the state-dict names; <c>forward</c> must do exactly
    /// this (a test runs the steps against it), because an exported ticket's card tells PyTorch users the same.
    /// </summary>
    public abstract IReadOnlyList<LayerStep> Steps { get; }

    /// <summary>Multiply-adds of one forward pass over one example, counted densely as the kernels run them.</summary>
    public abstract long ForwardMacsPerExample { get; }

    /// <summary>Copies values into the parameters; names and shapes must match exactly.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (!state.TryGetValue(name, out var value))
                throw new InvalidDataException($"state has no tensor '{name}'");
            if (!value.shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException(
                    $"state tensor '{name}' has shape [{string.Join(",", value.shape)}]; the network needs [{string.Join(",", parameter.shape)}]");
            parameter.copy_(value);
        }
    }

    /// <summary>A detached copy of every parameter on the CPU, owned by the caller.</summary>
    public Dictionary<string, Tensor> CaptureState()
    {
        using var _ = no_grad();
        return named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().clone());
    }
}
