using LotteryActors.Training.Data;
using LotteryActors.Training.Ensembles;
using LotteryActors.Training.Tests.Analysis;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Ensembles;

/// <summary>
/// The member a result may report is chosen on validation, never on test. Three members whose validation and test
/// rankings disagree: A is best on test, B and C tie best on validation (B first), and B is the worst on test.
/// Two-class margins: a positive margin predicts class 1, and every label is 1.
/// </summary>
public sealed class MemberSelectionTests : IDisposable
{
    private readonly List<MemberOutputs> members =
    [
        // A: validation 2/4, test 4/4.
        new(HandTensors.Margins(1, 1, -1, -1), HandTensors.Margins(1, 1, 1, 1)),
        // B: validation 4/4, test 1/4.
        new(HandTensors.Margins(1, 1, 1, 1), HandTensors.Margins(1, -1, -1, -1)),
        // C: validation 4/4, test 3/4.
        new(HandTensors.Margins(2, 2, 2, 2), HandTensors.Margins(1, 1, 1, -1)),
    ];

    private readonly DatasetSplits data = new(
        new LabeledTensors(zeros(1, 1), ones(1, dtype: ScalarType.Int64)),
        new LabeledTensors(zeros(4, 1), ones(4, dtype: ScalarType.Int64)),
        new LabeledTensors(zeros(4, 1), ones(4, dtype: ScalarType.Int64)),
        classes: 2);

    public void Dispose()
    {
        members.ForEach(m => m.Dispose());
        data.Dispose();
    }

    [Fact]
    public void SelectOnValidation_takes_the_best_validation_member_and_the_first_on_a_tie()
    {
        Assert.Equal(1, MemberOutputs.SelectOnValidation(members, data.Validation.Labels));
        Assert.Equal(0, MemberOutputs.SelectOnValidation([members[2], members[1], members[0]], data.Validation.Labels));
    }

    [Fact]
    public void The_scores_report_the_validation_selected_member_apart_from_the_test_best()
    {
        var scores = EnsembleScores.Of(members, data);

        Assert.Equal(0.25, scores.SelectedMemberTestAccuracy);
        Assert.Equal(1.0, scores.BestMemberTestAccuracy);
        Assert.Equal((1 + 0.25 + 0.75) / 3, scores.MeanMemberTestAccuracy, 12);
    }
}
