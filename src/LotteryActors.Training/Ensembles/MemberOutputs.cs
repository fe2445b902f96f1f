using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Rounds;
using static TorchSharp.torch;

namespace LotteryActors.Training.Ensembles;

/// <summary>One trained network's logits on the validation and test splits, owned by this object.</summary>
public sealed class MemberOutputs(Tensor validationLogits, Tensor testLogits) : IDisposable
{
    public Tensor ValidationLogits { get; } = validationLogits;
    public Tensor TestLogits { get; } = testLogits;

    /// <summary>Loads stored weights (masked weights are stored as zeros) and evaluates them on both splits.</summary>
    public static MemberOutputs Compute(ImpRunner runner, double width, string weightsHash)
    {
        using var network = runner.CreateNetwork(width);
        var weights = runner.Store.Get(weightsHash);
        try
        {
            network.LoadState(weights);
        }
        finally
        {
            weights.DisposeAll();
        }
        return new MemberOutputs(Evaluator.Logits(network, runner.Data.Validation), Evaluator.Logits(network, runner.Data.Test));
    }

    /// <summary>
    /// The member with the best validation accuracy (the first on a tie): the only member choice a result may
    /// report without having looked at test.
    /// </summary>
    public static int SelectOnValidation(IReadOnlyList<MemberOutputs> members, Tensor validationLabels)
    {
        var validation = members.Select(m => EnsembleMath.LogitsAccuracy(m.ValidationLogits, validationLabels)).ToList();
        return validation.IndexOf(validation.Max());
    }

    public void Dispose()
    {
        ValidationLogits.Dispose();
        TestLogits.Dispose();
    }
}

/// <summary>
/// Test accuracies of a group of members and of their output ensembles. The "selected" member is the one with the
/// best validation accuracy: the only member choice a paper may report without peeking at test.
/// </summary>
public sealed record EnsembleScores(
    int Members,
    double MeanMemberTestAccuracy,
    double BestMemberTestAccuracy,
    double SelectedMemberTestAccuracy,
    double LogitAverageTestAccuracy,
    double ProbabilityAverageTestAccuracy,
    double MajorityVoteTestAccuracy)
{
    public static EnsembleScores Of(IReadOnlyList<MemberOutputs> members, DatasetSplits data)
    {
        if (members.Count == 0)
            throw new ArgumentException("an ensemble needs at least one member", nameof(members));
        var testLabels = data.Test.Labels.cpu();
        var validationLabels = data.Validation.Labels.cpu();
        var memberTest = members.Select(m => EnsembleMath.LogitsAccuracy(m.TestLogits, testLabels)).ToList();
        var selected = MemberOutputs.SelectOnValidation(members, validationLabels);
        var test = members.Select(m => m.TestLogits).ToList();
        return new EnsembleScores(
            members.Count,
            memberTest.Average(),
            memberTest.Max(),
            memberTest[selected],
            Score(EnsembleMath.LogitAverage(test), testLabels),
            Score(EnsembleMath.ProbabilityAverage(test), testLabels),
            Score(EnsembleMath.MajorityVote(test), testLabels));
    }

    private static double Score(Tensor predictions, Tensor labels)
    {
        using (predictions)
            return EnsembleMath.Accuracy(predictions, labels);
    }
}
