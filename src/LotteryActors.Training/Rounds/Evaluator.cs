using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
using static TorchSharp.torch;

namespace LotteryActors.Training.Rounds;

public readonly record struct Evaluation(double Accuracy, double Loss);

/// <summary>Forward passes in eval mode without gradients, batched so memory stays flat.</summary>
public static class Evaluator
{
    private const int BatchSize = 1000;

    public static Evaluation Evaluate(PrunableNetwork network, LabeledTensors data)
    {
        using var logits = Logits(network, data);
        using var scope = NewDisposeScope();
        var labels = data.Labels.to(logits.device);
        var loss = nn.functional.cross_entropy(logits, labels).item<float>();
        var correct = logits.argmax(1).eq(labels).sum().item<long>();
        return new Evaluation((double)correct / data.Count, loss);
    }

    /// <summary>Logits [N, classes] on the CPU, owned by the caller.</summary>
    public static Tensor Logits(PrunableNetwork network, LabeledTensors data)
    {
        var wasTraining = network.training;
        network.eval();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var chunks = new List<Tensor>();
            for (long start = 0; start < data.Count; start += BatchSize)
            {
                var length = Math.Min(BatchSize, data.Count - start);
                chunks.Add(network.forward(data.Images.narrow(0, start, length)).cpu());
            }
            return cat(chunks, 0).MoveToOuterDisposeScope();
        }
        finally
        {
            network.train(wasTraining);
        }
    }
}
