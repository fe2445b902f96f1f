using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LotteryActors.Training.Models;

/// <summary>
/// Frankle &amp; Carbin's Conv-2/4/6: pairs of 3x3 convolutions (64, 128, 256 channels) each followed by 2x2
/// max-pooling, then fully connected 256-256-classes. The width multiplier scales every hidden layer.
/// </summary>
public sealed class ConvNet : PrunableNetwork
{
    private static readonly int[] PairChannels = [64, 128, 256];
    private readonly ModuleList<Conv2d> convs = new();
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    public ConvNet(int pairs, long[] exampleShape, double width, int classes) : base($"Conv{pairs * 2}")
    {
        if (pairs is < 1 or > 3)
            throw new ArgumentOutOfRangeException(nameof(pairs), pairs, "Conv-2, Conv-4 and Conv-6 have 1 to 3 pairs");
        var (channels, height, widthPixels) = (exampleShape[0], exampleShape[1], exampleShape[2]);
        long macs = 0;
        for (var pair = 0; pair < pairs; pair++)
        {
            var outChannels = LeNet300100.Scaled(PairChannels[pair], width);
            foreach (var _ in new[] { 0, 1 })
            {
                convs.Add(Conv2d(channels, outChannels, kernel_size: 3, padding: 1));
                macs += channels * outChannels * 9 * height * widthPixels;
                channels = outChannels;
            }
            height /= 2;
            widthPixels /= 2;
        }
        var flat = channels * height * widthPixels;
        var hidden = LeNet300100.Scaled(256, width);
        fc1 = Linear(flat, hidden);
        fc2 = Linear(hidden, hidden);
        fc3 = Linear(hidden, classes);
        ForwardMacsPerExample = macs + flat * hidden + hidden * hidden + hidden * classes;
        RegisterComponents();
    }

    public override long ForwardMacsPerExample { get; }

    public override IReadOnlyList<LayerStep> Steps => Enumerable.Range(0, convs.Count)
        .SelectMany(i => (LayerStep[])(i % 2 == 1
            ? [LayerStep.Conv2d($"{nameof(convs)}.{i}", 3, 1), LayerStep.Relu, LayerStep.MaxPool2d(2)]
            : [LayerStep.Conv2d($"{nameof(convs)}.{i}", 3, 1), LayerStep.Relu]))
        .Concat([
            LayerStep.Flatten, LayerStep.Linear(nameof(fc1)), LayerStep.Relu, LayerStep.Linear(nameof(fc2)),
            LayerStep.Relu, LayerStep.Linear(nameof(fc3)),
        ]).ToList();

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        for (var i = 0; i < convs.Count; i++)
        {
            x = functional.relu(convs[i].forward(x));
            if (i % 2 == 1)
                x = MaxPool2x2.Forward(x);
        }
        x = functional.relu(fc1.forward(x.flatten(1)));
        x = functional.relu(fc2.forward(x));
        return fc3.forward(x).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            convs.Dispose();
            fc1.Dispose();
            fc2.Dispose();
            fc3.Dispose();
        }
        base.Dispose(disposing);
    }
}
