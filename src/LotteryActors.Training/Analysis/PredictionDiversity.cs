using static TorchSharp.torch;

namespace LotteryActors.Training.Analysis;

/// <summary>
/// How differently two members predict on the same examples, from their logits [N, classes]. Ensembling only
/// helps where members disagree, so these explain an ensemble's gain over its best member.
/// </summary>
public static class PredictionDiversity
{
    /// <summary>Fraction of examples whose predicted classes differ.</summary>
    public static double Disagreement(Tensor logitsA, Tensor logitsB)
    {
        RequireSameShape(logitsA, logitsB);
        using var scope = NewDisposeScope();
        return logitsA.argmax(1).ne(logitsB.argmax(1)).to(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>Mean over examples of KL(p_a || p_b) between the softmax outputs, in nats.</summary>
    public static double MeanKl(Tensor logitsA, Tensor logitsB)
    {
        RequireSameShape(logitsA, logitsB);
        using var scope = NewDisposeScope();
        // Log-softmax in float64 keeps log p finite where a float32 softmax would underflow to 0.
        var logA = logitsA.to(ScalarType.Float64).log_softmax(1);
        var logB = logitsB.to(ScalarType.Float64).log_softmax(1);
        return (logA.exp() * (logA - logB)).sum(1).mean().item<double>();
    }

    /// <summary>Mean of KL(p_a || p_b) and KL(p_b || p_a): half the Jeffreys divergence.</summary>
    public static double SymmetricKl(Tensor logitsA, Tensor logitsB) =>
        (MeanKl(logitsA, logitsB) + MeanKl(logitsB, logitsA)) / 2;

    public static double[,] DisagreementMatrix(IReadOnlyList<Tensor> logits) =>
        PairwiseMatrix.Symmetric(logits.Count, (i, j) => Disagreement(logits[i], logits[j]));

    /// <summary>[i, j] = KL(p_i || p_j); not symmetric.</summary>
    public static double[,] KlMatrix(IReadOnlyList<Tensor> logits) =>
        PairwiseMatrix.Full(logits.Count, (i, j) => MeanKl(logits[i], logits[j]));

    public static double[,] SymmetricKlMatrix(IReadOnlyList<Tensor> logits) =>
        PairwiseMatrix.Symmetric(logits.Count, (i, j) => SymmetricKl(logits[i], logits[j]));

    private static void RequireSameShape(Tensor a, Tensor b)
    {
        if (a.dim() != 2 || !a.shape.SequenceEqual(b.shape))
            throw new ArgumentException(
                $"need two logits tensors of one shape [N, classes]; got [{string.Join(",", a.shape)}] and [{string.Join(",", b.shape)}]");
    }
}
