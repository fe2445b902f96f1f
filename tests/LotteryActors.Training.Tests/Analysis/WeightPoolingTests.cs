using LotteryActors.Training.Analysis;
using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Analysis;

/// <summary>
/// A synthetic evaluator reads one scalar weight w ("a.weight") and scores 20 examples: example j is right when
/// |w - target| &lt; (j + 0.5) / 20, so accuracy peaks, uniquely on a 0.05 grid, at w = target. The validation
/// target is 0.3 and the test target 0.5.
/// </summary>
public sealed class WeightPoolingTests : IDisposable
{
    private const int Examples = 20;

    // A (w = 0) scores 14/20, B (w = 1) 6/20 and C (w = -1) 0/20 on validation. Mixing B into A at alpha = 0.3
    // lands on the target; nothing can then beat 20/20, so C is rejected.
    private readonly List<Dictionary<string, Tensor>> members =
    [
        Member(0, [1, 1, 0, 0]),
        Member(1, [0, 1, 1, 0]),
        Member(-1, [0, 0, 0, 1]),
    ];

    private readonly Tensor labels = ones(Examples, dtype: ScalarType.Int64);

    public void Dispose()
    {
        foreach (var t in members.SelectMany(m => m.Values))
            t.Dispose();
        labels.Dispose();
    }

    private static Dictionary<string, Tensor> Member(float w, float[] other) => new()
    {
        ["a.weight"] = tensor(new[] { w }),
        ["b.weight"] = tensor(other),
        // Biases are never pruned, so their non-zeros must not count.
        ["a.bias"] = tensor(new[] { 5f }),
    };

    private static Tensor PeakedLogits(double w, double target) =>
        HandTensors.Margins(Enumerable.Range(0, Examples).Select(j => (j + 0.5) / Examples - Math.Abs(w - target)).ToArray());

    private static (Tensor, Tensor) Evaluate(IReadOnlyDictionary<string, Tensor> weights)
    {
        var w = weights["a.weight"].item<float>();
        return (PeakedLogits(w, 0.3f), PeakedLogits(w, 0.5f));
    }

    [Fact]
    public void Greedy_pool_finds_the_best_coefficient_and_rejects_a_candidate_that_cannot_help()
    {
        var pooled = WeightPooling.Pool(members, Evaluate, labels, labels);

        Assert.Equal(2, pooled.Steps.Count);
        Assert.Equal(1, pooled.Steps[0].Candidate);
        Assert.Equal(0.3, pooled.Steps[0].Alpha!.Value, 12);
        Assert.Equal(0.3, pooled.Steps[0].CandidateValidationAccuracy, 12);
        Assert.Equal(1.0, pooled.Steps[0].PoolValidationAccuracy);
        Assert.Equal(new PoolingStep(2, 0.0, null, 1.0), pooled.Steps[1]);
        Assert.Equal([0.7, 0.3, 0.0], pooled.MemberCoefficients.Select(c => Math.Round(c, 12)));
        Assert.Equal(1.0, pooled.ValidationAccuracy);
        // Test target 0.5: |0.3 - 0.5| = 0.2 leaves the 16 examples j >= 4.
        Assert.Equal(0.8, pooled.TestAccuracy, 12);
    }

    [Fact]
    public void The_pool_starts_from_the_validation_best_member_and_names_its_test_accuracy()
    {
        // C (w = -1) first, then B, then A: A (14/20 on validation) is the start wherever it sits. On test
        // (target 0.5) A keeps the 10 examples j >= 10.
        var pooled = WeightPooling.Pool([members[2], members[1], members[0]], Evaluate, labels, labels);

        Assert.Equal(2, pooled.StartMember);
        Assert.Equal(0.5, pooled.StartTestAccuracy, 12);
    }

    [Fact]
    public void A_candidate_that_only_ties_the_pool_is_not_mixed_in()
    {
        using var twin = new DisposableWeights(Member(0, [0, 0, 1, 1]));

        var pooled = WeightPooling.Pool([members[0], twin.Weights], Evaluate, labels, labels);

        // Every mix of two w = 0 members scores the pool's own 14/20.
        Assert.Equal(new PoolingStep(1, 0.7, null, 0.7), pooled.Steps.Single());
        Assert.Equal([1.0, 0.0], pooled.MemberCoefficients);
        Assert.Equal(pooled.StartTestAccuracy, pooled.TestAccuracy);
        Assert.Equal(2, pooled.NonZeroWeights);
    }

    [Fact]
    public void Cost_counts_the_pooled_weights_union_against_the_members_sum()
    {
        var pooled = WeightPooling.Pool(members, Evaluate, labels, labels);

        // Pooled: a.weight = 0.3 (1), b.weight = (0.7, 1, 0.3, 0) (3). Members: 2 + 3 + 2.
        Assert.Equal(4, pooled.NonZeroWeights);
        Assert.Equal(7, pooled.MembersNonZeroWeights);
    }

    [Fact]
    public void Test_labels_never_change_the_coefficients()
    {
        using var flipped = zeros(Examples, dtype: ScalarType.Int64);

        var reference = WeightPooling.Pool(members, Evaluate, labels, labels);
        var other = WeightPooling.Pool(members, Evaluate, labels, flipped);

        Assert.Equal(reference.MemberCoefficients, other.MemberCoefficients);
        Assert.Equal(reference.Steps, other.Steps);
        Assert.NotEqual(reference.TestAccuracy, other.TestAccuracy);
    }

    [Fact]
    public void Alpha_grid_divides_the_unit_interval_exactly()
    {
        var grid = WeightPooling.AlphaGrid();

        Assert.Equal(19, grid.Count);
        Assert.Equal(0.05, grid[0]);
        Assert.Equal(0.15, grid[2]);
        Assert.Equal(0.95, grid[^1]);
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], WeightPooling.AlphaGrid(0.25, includeEndpoints: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => WeightPooling.AlphaGrid(0.3));
    }

    [Fact]
    public void Network_evaluator_scores_the_weights_it_is_given()
    {
        using var data = TinySplits();
        using var network = NetworkFactory.Create(ModelFamily.Lenet300100, 0.1, data.ExampleShape, data.Classes);
        var state = network.CaptureState();
        var zeroed = state.ToDictionary(p => p.Key, p => zeros_like(p.Value));
        try
        {
            var (validation, test) = WeightPooling.EvaluatorFor(network, data)(zeroed);
            using (validation)
            using (test)
            {
                Assert.Equal([data.Validation.Count, data.Classes], validation.shape);
                Assert.Equal([data.Test.Count, data.Classes], test.shape);
                // All-zero parameters give all-zero logits, whatever the network held before.
                Assert.Equal(0, validation.count_nonzero().item<long>());
            }

            network.LoadState(state);
            var pooled = WeightPooling.Pool(network, data, [state]);
            Assert.Equal(Evaluator.Evaluate(network, data.Validation).Accuracy, pooled.ValidationAccuracy, 12);
            Assert.Equal(Evaluator.Evaluate(network, data.Test).Accuracy, pooled.TestAccuracy, 12);
        }
        finally
        {
            foreach (var t in state.Values.Concat(zeroed.Values))
                t.Dispose();
        }
    }

    private sealed class DisposableWeights(Dictionary<string, Tensor> weights) : IDisposable
    {
        public Dictionary<string, Tensor> Weights { get; } = weights;

        public void Dispose()
        {
            foreach (var t in Weights.Values)
                t.Dispose();
        }
    }

    private static DatasetSplits TinySplits()
    {
        using var generator = new Generator(7);
        LabeledTensors Split(int count) => new(
            randn([count, 1, 4, 4], generator: generator),
            randint(0, 3, [count], generator: generator));
        // Validation and test differ in size, so logits from the wrong split show in their shape.
        return new DatasetSplits(Split(8), Split(30), Split(40), 3);
    }
}
