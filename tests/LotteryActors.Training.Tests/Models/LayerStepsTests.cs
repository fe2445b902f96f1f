using LotteryActors.Training.Models;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LotteryActors.Training.Tests.Models;

/// <summary>
/// A network's <see cref="PrunableNetwork.Steps"/> are what an exported card tells PyTorch users: run here with
/// plain functional ops over the network's own parameters, they must compute exactly what <c>forward</c> does.
/// </summary>
public sealed class LayerStepsTests
{
    [Theory]
    [InlineData(ModelFamily.Lenet300100)]
    [InlineData(ModelFamily.Conv2)]
    [InlineData(ModelFamily.Conv4)]
    [InlineData(ModelFamily.Conv6)]
    public void The_steps_compute_what_forward_computes(ModelFamily family)
    {
        using var network = NetworkFactory.Create(family, 0.125, [1, 28, 28], 10);
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        using var generator = new Generator(5);
        using var input = randn([4, 1, 28, 28], generator: generator);
        using var _ = no_grad();

        using var expected = network.forward(input);
        using var actual = Run(network.Steps, parameters, input);

        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-6), "the steps and forward disagree");
    }

    [Theory]
    [InlineData(ModelFamily.Lenet300100)]
    [InlineData(ModelFamily.Conv4)]
    public void The_steps_use_every_parameter_once(ModelFamily family)
    {
        using var network = NetworkFactory.Create(family, 0.125, [1, 28, 28], 10);

        var named = network.Steps.SelectMany(s => new[] { s.Weight, s.Bias }).OfType<string>().ToList();

        Assert.Equal(network.named_parameters().Select(p => p.name).Order(), named.Order());
    }

    private static Tensor Run(IReadOnlyList<LayerStep> steps, Dictionary<string, Tensor> p, Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var step in steps)
            x = step.Op switch
            {
                "flatten" => x.flatten(1),
                "linear" => functional.linear(x, p[step.Weight!], p[step.Bias!]),
                "conv2d" => functional.conv2d(x, p[step.Weight!], p[step.Bias!], padding: [step.Padding!.Value]),
                "relu" => functional.relu(x),
                "max-pool2d" => functional.max_pool2d(x, step.Kernel!.Value),
                _ => throw new InvalidOperationException($"unknown op {step.Op}"),
            };
        return x.MoveToOuterDisposeScope();
    }
}
