using static TorchSharp.torch;

namespace LotteryActors.Training.Ensembles;

/// <summary>
/// Output ensembles over member logits [N, classes]. Pure tensor functions; the caller owns inputs and outputs.
/// </summary>
public static class EnsembleMath
{
    /// <summary>Predicted class per example from the mean of the members' logits.</summary>
    public static Tensor LogitAverage(IReadOnlyList<Tensor> logits)
    {
        using var scope = NewDisposeScope();
        return stack(logits).mean([0]).argmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>Predicted class per example from the mean of the members' softmax probabilities.</summary>
    public static Tensor ProbabilityAverage(IReadOnlyList<Tensor> logits)
    {
        using var scope = NewDisposeScope();
        return MeanProbabilities(logits).argmax(1).MoveToOuterDisposeScope();
    }

    public static Tensor MeanProbabilities(IReadOnlyList<Tensor> logits)
    {
        using var scope = NewDisposeScope();
        return stack(logits.Select(l => l.softmax(1)).ToArray()).mean([0]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Most-voted class per example. A tie between classes goes to the tied class with the highest mean
    /// probability, so the vote never depends on class numbering.
    /// </summary>
    public static Tensor MajorityVote(IReadOnlyList<Tensor> logits)
    {
        using var scope = NewDisposeScope();
        var classes = logits[0].shape[1];
        var votes = zeros(logits[0].shape[0], classes);
        foreach (var l in logits)
            votes.add_(nn.functional.one_hot(l.argmax(1), classes).to(ScalarType.Float32));
        var maxVotes = votes.max(1, keepdim: true).values;
        var tied = votes.eq(maxVotes);
        var probabilities = MeanProbabilities(logits);
        return where(tied, probabilities, -1f).argmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>Accuracy of one network's logits: its argmax against the labels.</summary>
    public static double LogitsAccuracy(Tensor logits, Tensor labels)
    {
        using var predictions = logits.argmax(1);
        return Accuracy(predictions, labels);
    }

    /// <summary>Accuracy of the logit average of several networks.</summary>
    public static double LogitAverageAccuracy(IReadOnlyList<Tensor> logits, Tensor labels)
    {
        using var predictions = LogitAverage(logits);
        return Accuracy(predictions, labels);
    }

    public static double Accuracy(Tensor predictions, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return predictions.eq(labels).to(ScalarType.Float64).mean().item<double>();
    }
}
