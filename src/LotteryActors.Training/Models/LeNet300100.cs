using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LotteryActors.Training.Models;

/// <summary>Frankle &amp; Carbin's fully connected LeNet-300-100; the width multiplier scales both hidden layers.</summary>
public sealed class LeNet300100 : PrunableNetwork
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    public LeNet300100(long inputs, double width, int classes) : base(nameof(LeNet300100))
    {
        var hidden1 = Scaled(300, width);
        var hidden2 = Scaled(100, width);
        fc1 = Linear(inputs, hidden1);
        fc2 = Linear(hidden1, hidden2);
        fc3 = Linear(hidden2, classes);
        ForwardMacsPerExample = inputs * hidden1 + hidden1 * hidden2 + hidden2 * classes;
        RegisterComponents();
    }

    public override long ForwardMacsPerExample { get; }

    public override IReadOnlyList<LayerStep> Steps { get; } =
    [
        LayerStep.Flatten, LayerStep.Linear(nameof(fc1)), LayerStep.Relu, LayerStep.Linear(nameof(fc2)),
        LayerStep.Relu, LayerStep.Linear(nameof(fc3)),
    ];

    public override Tensor forward(Tensor input)
    {
        using var flat = input.flatten(1);
        using var h1 = functional.relu(fc1.forward(flat));
        using var h2 = functional.relu(fc2.forward(h1));
        return fc3.forward(h2);
    }

    internal static long Scaled(int units, double width) => Math.Max(1, (long)Math.Round(units * width));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            fc1.Dispose();
            fc2.Dispose();
            fc3.Dispose();
        }
        base.Dispose(disposing);
    }
}
