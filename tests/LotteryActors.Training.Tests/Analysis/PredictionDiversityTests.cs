using LotteryActors.Training.Analysis;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Analysis;

public sealed class PredictionDiversityTests : IDisposable
{
    // Example 0: p = softmax(ln 3, 0) = (3/4, 1/4) against q = (1/2, 1/2). Example 1: the same logits in both.
    private static readonly double KlPq = 0.75 * Math.Log(1.5) + 0.25 * Math.Log(0.5);
    private static readonly double KlQp = 0.5 * Math.Log(2.0 / 3) + 0.5 * Math.Log(2.0);

    private readonly Tensor p = HandTensors.Rows(new[,] { { Math.Log(3), 0 }, { 5, 1 } });
    private readonly Tensor q = HandTensors.Rows(new[,] { { 0.0, 0 }, { 5, 1 } });

    public void Dispose()
    {
        p.Dispose();
        q.Dispose();
    }

    [Fact]
    public void Disagreement_is_the_fraction_of_examples_with_different_argmax()
    {
        using var a = HandTensors.Rows(new[,] { { 2.0, 0 }, { 0, 1 }, { 1, 3 } });
        using var b = HandTensors.Rows(new[,] { { 1.0, 0 }, { 2, 0 }, { 0, 1 } });

        Assert.Equal(1.0 / 3, PredictionDiversity.Disagreement(a, b), 12);
        Assert.Equal(0.0, PredictionDiversity.Disagreement(a, a));
    }

    [Fact]
    public void Kl_of_identical_outputs_is_zero()
    {
        Assert.Equal(0.0, PredictionDiversity.MeanKl(p, p), 12);
        Assert.Equal(0.0, PredictionDiversity.SymmetricKl(q, q), 12);
    }

    [Fact]
    public void Kl_is_averaged_over_examples_and_asymmetric()
    {
        Assert.Equal(KlPq / 2, PredictionDiversity.MeanKl(p, q), 6);
        Assert.Equal(KlQp / 2, PredictionDiversity.MeanKl(q, p), 6);
        Assert.NotEqual(PredictionDiversity.MeanKl(p, q), PredictionDiversity.MeanKl(q, p), 3);
        Assert.Equal((KlPq + KlQp) / 4, PredictionDiversity.SymmetricKl(p, q), 6);
    }

    [Fact]
    public void Matrices_hold_each_ordered_pair()
    {
        var kl = PredictionDiversity.KlMatrix([p, q]);
        var symmetric = PredictionDiversity.SymmetricKlMatrix([p, q]);
        var disagreement = PredictionDiversity.DisagreementMatrix([p, q]);

        Assert.Equal(KlPq / 2, kl[0, 1], 6);
        Assert.Equal(KlQp / 2, kl[1, 0], 6);
        Assert.Equal(0.0, kl[0, 0], 12);
        Assert.Equal(symmetric[0, 1], symmetric[1, 0]);
        Assert.Equal((KlPq + KlQp) / 4, symmetric[1, 0], 6);
        // Example 0: argmax 0 against the tie (0, 0), whose argmax is also 0; so they agree everywhere.
        Assert.Equal(0.0, disagreement[0, 1]);
    }
}
