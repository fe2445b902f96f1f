using LotteryActors.Training.Models;

namespace LotteryActors.Training.Export;

/// <summary>
/// The network the ticket's tensors belong to: its forward pass as <see cref="Layers"/> in order (see
/// <see cref="LayerStep"/>), the shape of every state-dict tensor in the safetensors files, and which of them the
/// mask covers (biases never are). Inputs are [batch, channels, height, width]; outputs are logits over
/// <see cref="Classes"/>.
/// </summary>
public sealed record TicketArchitecture(
    string Family,
    double Width,
    long[] InputShape,
    int Classes,
    IReadOnlyList<LayerStep> Layers,
    IReadOnlyDictionary<string, long[]> Tensors,
    IReadOnlyList<string> Masked);
