using System.Text.Json.Serialization;

namespace LotteryActors.Training.Models;

/// <summary>
/// One step of a network's forward pass, in terms any framework has: <c>flatten</c> (all but the batch dimension),
/// <c>linear</c> and <c>conv2d</c> (stride 1, zero padding <see cref="Padding"/>, square kernels) with the
/// state-dict names of their weight and bias, <c>relu</c>, and <c>max-pool2d</c> (window and stride
/// <see cref="Kernel"/>). An exported ticket's card lists them so a PyTorch user can rebuild the net without C#.
/// </summary>
public sealed record LayerStep(
    string Op,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Weight = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Bias = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Kernel = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Padding = null)
{
    public static readonly LayerStep Flatten = new("flatten");
    public static readonly LayerStep Relu = new("relu");

    public static LayerStep Linear(string module) => new("linear", $"{module}.weight", $"{module}.bias");

    public static LayerStep Conv2d(string module, int kernel, int padding) =>
        new("conv2d", $"{module}.weight", $"{module}.bias", kernel, padding);

    public static LayerStep MaxPool2d(int kernel) => new("max-pool2d", Kernel: kernel);
}
