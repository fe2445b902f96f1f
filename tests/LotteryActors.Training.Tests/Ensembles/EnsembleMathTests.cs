using LotteryActors.Training.Ensembles;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Ensembles;

/// <summary>
/// Three members on hand-computed examples. softmax([10, 0]) = [0.99995, 0.00005]; softmax([0, 3]) = [0.0474, 0.9526].
/// </summary>
public sealed class EnsembleMathTests
{
    private static Tensor[] Members(params float[][][] rowsPerMember) =>
        rowsPerMember.Select(rows => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length])).ToArray();

    /// <summary>
    /// Example 0: one very confident member against two moderate ones. Mean logits [3.33, 2] pick class 0; mean
    /// probabilities [0.365, 0.635] pick class 1; the vote is 2 to 1 for class 1.
    /// Example 1: two members mildly for class 1, one for class 0: every rule picks class 1.
    /// Example 2: two weak votes for class 0 (softmax([1, 0]) = [0.731, 0.269]) against one confident vote for class 1:
    /// mean logits [0.67, 6.67] and mean probabilities [0.487, 0.513] pick class 1, the vote picks class 0.
    /// </summary>
    private static Tensor[] Disagreeing() => Members(
        [[10f, 0f], [0f, 1f], [1f, 0f]],
        [[0f, 3f], [0f, 1f], [1f, 0f]],
        [[0f, 3f], [1f, 0f], [0f, 20f]]);

    private static void Dispose(IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors)
            t.Dispose();
    }

    [Fact]
    public void LogitAverage_follows_the_mean_logits()
    {
        var members = Disagreeing();

        using var predictions = EnsembleMath.LogitAverage(members);

        Assert.Equal([0L, 1L, 1L], TensorAssert.Longs(predictions));
        Dispose(members);
    }

    [Fact]
    public void ProbabilityAverage_follows_the_mean_probabilities()
    {
        var members = Disagreeing();

        using var predictions = EnsembleMath.ProbabilityAverage(members);

        Assert.Equal([1L, 1L, 1L], TensorAssert.Longs(predictions));
        Dispose(members);
    }

    [Fact]
    public void MeanProbabilities_average_the_members_softmax()
    {
        var members = Disagreeing();

        using var probabilities = EnsembleMath.MeanProbabilities(members);

        var expected0 = (1 / (1 + Math.Exp(-10)) + 2 / (1 + Math.Exp(3))) / 3;
        var values = TensorAssert.Values(probabilities);
        Assert.Equal([3, 2], probabilities.shape);
        Assert.Equal(expected0, values[0], 5);
        Assert.Equal(1 - expected0, values[1], 5);
        Assert.Equal(0.3650, values[0], 3);
        Assert.Equal(2 / (1 + Math.Exp(-1)) / 3, values[4], 5);
        Dispose(members);
    }

    [Fact]
    public void MajorityVote_counts_each_members_argmax()
    {
        var members = Disagreeing();

        using var predictions = EnsembleMath.MajorityVote(members);

        Assert.Equal([1L, 1L, 0L], TensorAssert.Longs(predictions));
        Dispose(members);
    }

    [Fact]
    public void A_three_way_tie_goes_to_the_highest_mean_probability()
    {
        var members = Members([[1f, 0f, 0f]], [[0f, 1f, 0f]], [[0f, 0f, 5f]]);

        using var predictions = EnsembleMath.MajorityVote(members);

        Assert.Equal([2L], TensorAssert.Longs(predictions));
        Dispose(members);
    }

    [Fact]
    public void A_tie_is_broken_only_among_the_tied_classes()
    {
        var members = Members(
            [[MathF.Log(0.40f), MathF.Log(0.21f), MathF.Log(0.39f)]],
            [[MathF.Log(0.40f), MathF.Log(0.21f), MathF.Log(0.39f)]],
            [[MathF.Log(0.20f), MathF.Log(0.41f), MathF.Log(0.39f)]],
            [[MathF.Log(0.20f), MathF.Log(0.41f), MathF.Log(0.39f)]]);

        using var predictions = EnsembleMath.MajorityVote(members);
        using var byProbability = EnsembleMath.ProbabilityAverage(members);

        Assert.Equal([1L], TensorAssert.Longs(predictions));
        Assert.Equal([2L], TensorAssert.Longs(byProbability));
        Dispose(members);
    }

    [Fact]
    public void Accuracy_is_the_fraction_of_correct_predictions()
    {
        using var predictions = tensor(new[] { 0L, 1L, 2L, 1L });
        using var labels = tensor(new[] { 0L, 1L, 1L, 1L });

        Assert.Equal(0.75, EnsembleMath.Accuracy(predictions, labels));
    }

    [Fact]
    public void Ensemble_accuracies_differ_on_the_disagreeing_examples()
    {
        var members = Disagreeing();
        using var labels = tensor(new[] { 1L, 1L, 0L });
        using var logit = EnsembleMath.LogitAverage(members);
        using var probability = EnsembleMath.ProbabilityAverage(members);
        using var vote = EnsembleMath.MajorityVote(members);

        Assert.Equal(1.0 / 3, EnsembleMath.Accuracy(logit, labels), 12);
        Assert.Equal(2.0 / 3, EnsembleMath.Accuracy(probability, labels), 12);
        Assert.Equal(1.0, EnsembleMath.Accuracy(vote, labels));
        Dispose(members);
    }
}
