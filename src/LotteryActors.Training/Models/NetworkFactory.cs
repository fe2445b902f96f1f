using LotteryActors.Training.Data;
using LotteryActors.Training.Spec;
using TorchSharp;
using static TorchSharp.torch;

namespace LotteryActors.Training.Models;

public static class NetworkFactory
{
    public static PrunableNetwork Create(ModelFamily family, double width, long[] exampleShape, int classes, Device? device = null)
    {
        PrunableNetwork network = family switch
        {
            ModelFamily.Lenet300100 => new LeNet300100(exampleShape.Aggregate(1L, (a, b) => a * b), width, classes),
            ModelFamily.Conv2 => new ConvNet(1, exampleShape, width, classes),
            ModelFamily.Conv4 => new ConvNet(2, exampleShape, width, classes),
            ModelFamily.Conv6 => new ConvNet(3, exampleShape, width, classes),
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, null),
        };
        if (device is not null && device.type != DeviceType.CPU)
            network.to(device);
        return network;
    }

    /// <summary>A network for <paramref name="data"/>: its example shape and classes, on the device the data lives
    /// on, the only one it can train on.</summary>
    public static PrunableNetwork For(ModelFamily family, double width, DatasetSplits data) =>
        Create(family, width, data.ExampleShape, data.Classes, data.Train.Images.device);

    /// <summary>
    /// Draws a dense initialisation from an explicit generator, never the process-global one, so trainers running
    /// side by side cannot disturb each other's draws. Weights: Glorot- or Kaiming-normal; biases: zero.
    /// </summary>
    public static Dictionary<string, Tensor> DrawInit(PrunableNetwork network, InitScheme scheme, long seed)
    {
        using var generator = new Generator((ulong)seed);
        var prunable = network.PrunableWeights.ToHashSet();
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, parameter) in network.named_parameters())
        {
            var shape = parameter.shape;
            if (!prunable.Contains(name))
            {
                state[name] = zeros(shape);
                continue;
            }
            var receptive = shape.Skip(2).Aggregate(1L, (a, b) => a * b);
            double fanIn = shape[1] * receptive, fanOut = shape[0] * receptive;
            var std = scheme == InitScheme.GlorotNormal ? Math.Sqrt(2.0 / (fanIn + fanOut)) : Math.Sqrt(2.0 / fanIn);
            state[name] = randn(shape, generator: generator).mul_(std);
        }
        return state;
    }
}
