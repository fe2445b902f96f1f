using LotteryActors.Training.Analysis;
using LotteryActors.Training.Ensembles;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Analysis;

/// <summary>
/// Three members on 4 validation examples (all of class 1, so a positive mean margin is right) and 2 test
/// examples of classes 1 and 0. M0 and M1 are near-duplicates that miss validation example 3; M2 is individually
/// the worst but fixes example 3, so greedy selection must pick it second where sorting by accuracy would not.
/// </summary>
public sealed class GreedyEnsembleTests : IDisposable
{
    private readonly List<MemberOutputs> members =
    [
        new(HandTensors.Margins(1, 1, 1, -1), HandTensors.Margins(1, 1)),
        new(HandTensors.Margins(1, 1, 1, -1.5), HandTensors.Margins(-4, -1)),
        new(HandTensors.Margins(-0.5, -0.5, -0.5, 3), HandTensors.Margins(2, -4)),
    ];

    private readonly Tensor validationLabels = HandTensors.Labels(1, 1, 1, 1);

    public void Dispose()
    {
        members.ForEach(m => m.Dispose());
        validationLabels.Dispose();
    }

    [Fact]
    public void Picks_the_best_member_then_the_one_that_helps_the_ensemble_most()
    {
        using var testLabels = HandTensors.Labels(1, 0);

        var steps = GreedyEnsemble.Select(members, validationLabels, testLabels);

        // k=1: M0 and M1 tie at 3/4, the lower index wins; test margins (1, 1) -> 1/2.
        // k=2: M0+M1 stays at 3/4, M0+M2 = (0.5, 0.5, 0.5, 2) gets 4/4; test (3, -3) -> 2/2.
        // k=3: (1.5, 1.5, 1.5, 0.5) -> 4/4; test (-1, -4) -> 1/2.
        Assert.Equal([[0], [0, 2], [0, 2, 1]], steps.Select(s => s.Members.ToArray()).ToArray());
        Assert.Equal([1, 2, 3], steps.Select(s => s.Size));
        Assert.Equal([0.75, 1.0, 1.0], steps.Select(s => s.ValidationAccuracy));
        Assert.Equal([0.5, 1.0, 0.5], steps.Select(s => s.TestAccuracy));
    }

    [Fact]
    public void Stops_at_the_requested_size()
    {
        using var testLabels = HandTensors.Labels(1, 0);

        var steps = GreedyEnsemble.Select(members, validationLabels, testLabels, maxSize: 2);

        Assert.Equal([[0], [0, 2]], steps.Select(s => s.Members.ToArray()).ToArray());
    }

    [Theory]
    [InlineData(0L, 1L)]
    [InlineData(0L, 0L)]
    [InlineData(1L, 1L)]
    public void Test_labels_never_change_the_selection(long first, long second)
    {
        using var original = HandTensors.Labels(1, 0);
        using var changed = HandTensors.Labels(first, second);

        var reference = GreedyEnsemble.Select(members, validationLabels, original);
        var other = GreedyEnsemble.Select(members, validationLabels, changed);

        Assert.Equal(reference.Select(s => s.Members.ToArray()), other.Select(s => s.Members.ToArray()));
        Assert.Equal(reference.Select(s => s.ValidationAccuracy), other.Select(s => s.ValidationAccuracy));
        // The changed labels did reach the test scoring, so the selection ignored them rather than never saw them.
        Assert.NotEqual(reference.Select(s => s.TestAccuracy), other.Select(s => s.TestAccuracy));
    }
}
