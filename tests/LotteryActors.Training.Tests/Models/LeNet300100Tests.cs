using LotteryActors.Training.Models;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Models;

public sealed class LeNet300100Tests
{
    private static Dictionary<string, long[]> Shapes(PrunableNetwork network) =>
        network.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

    [Fact]
    public void Half_width_has_150_and_50_hidden_units()
    {
        using var network = new LeNet300100(784, 0.5, 10);

        var shapes = Shapes(network);

        Assert.Equal([150, 784], shapes["fc1.weight"]);
        Assert.Equal([50, 150], shapes["fc2.weight"]);
        Assert.Equal([10, 50], shapes["fc3.weight"]);
        Assert.Equal([150], shapes["fc1.bias"]);
    }

    [Fact]
    public void Tiny_width_keeps_at_least_one_unit()
    {
        using var network = new LeNet300100(784, 0.001, 10);

        Assert.Equal([1, 784], Shapes(network)["fc1.weight"]);
        Assert.Equal([1, 1], Shapes(network)["fc2.weight"]);
    }

    [Fact]
    public void Prunable_weights_are_the_three_matrices_with_the_output_last()
    {
        using var network = new LeNet300100(784, 1, 10);

        Assert.Equal(["fc1.weight", "fc2.weight", "fc3.weight"], network.PrunableWeights);
        Assert.Equal("fc3.weight", network.OutputWeight);
    }

    [Fact]
    public void Counts_dense_multiply_adds_of_one_forward_pass()
    {
        using var network = new LeNet300100(784, 1, 10);

        Assert.Equal(784 * 300 + 300 * 100 + 100 * 10, network.ForwardMacsPerExample);
    }

    [Fact]
    public void Forward_flattens_images_to_class_logits()
    {
        using var network = new LeNet300100(784, 0.5, 10);
        using var input = zeros(2, 1, 28, 28);

        using var output = network.forward(input);

        Assert.Equal([2, 10], output.shape);
    }

    [Fact]
    public void LoadState_copies_values_and_CaptureState_returns_them()
    {
        using var network = new LeNet300100(36, 0.1, 10);
        var state = network.named_parameters().ToDictionary(p => p.name, p => full(p.parameter.shape, 0.25f));

        network.LoadState(state);
        var captured = network.CaptureState();

        TensorAssert.BitwiseEqual(state, captured);
        TensorAssert.DisposeAll(state);
        TensorAssert.DisposeAll(captured);
    }

    [Fact]
    public void Captured_state_is_a_copy_not_a_view()
    {
        using var network = new LeNet300100(36, 0.1, 10);
        var captured = network.CaptureState();

        captured["fc1.weight"].fill_(7f);

        Assert.DoesNotContain(7f, TensorAssert.Values(network.named_parameters().First(p => p.name == "fc1.weight").parameter));
        TensorAssert.DisposeAll(captured);
    }

    [Fact]
    public void LoadState_refuses_a_missing_tensor()
    {
        using var network = new LeNet300100(36, 0.1, 10);
        var state = network.CaptureState();
        state.Remove("fc2.bias", out var removed);
        removed!.Dispose();

        var error = Assert.Throws<InvalidDataException>(() => network.LoadState(state));

        Assert.Equal("state has no tensor 'fc2.bias'", error.Message);
        TensorAssert.DisposeAll(state);
    }

    [Fact]
    public void LoadState_refuses_a_wrong_shape()
    {
        using var network = new LeNet300100(36, 0.1, 10);
        var state = network.CaptureState();
        state["fc1.weight"].Dispose();
        state["fc1.weight"] = zeros(30, 37);

        var error = Assert.Throws<InvalidDataException>(() => network.LoadState(state));

        Assert.Contains("'fc1.weight' has shape [30,37]; the network needs [30,36]", error.Message);
        TensorAssert.DisposeAll(state);
    }
}
