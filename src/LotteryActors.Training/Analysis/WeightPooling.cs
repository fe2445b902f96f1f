using LotteryActors.Training.Data;
using LotteryActors.Training.Ensembles;
using LotteryActors.Training.Models;
using LotteryActors.Training.Rounds;
using static TorchSharp.torch;

namespace LotteryActors.Training.Analysis;

/// <summary>
/// Evaluates a full parameter dictionary on both splits and returns (validation logits, test logits), both owned
/// by the caller.
/// </summary>
public delegate (Tensor ValidationLogits, Tensor TestLogits) WeightEvaluator(IReadOnlyDictionary<string, Tensor> weights);

/// <summary>
/// One candidate's turn in the greedy pool: the coefficient it was mixed in with (null when no coefficient
/// improved validation accuracy) and the pool's validation accuracy afterwards.
/// </summary>
public sealed record PoolingStep(int Candidate, double CandidateValidationAccuracy, double? Alpha, double PoolValidationAccuracy);

/// <summary>
/// The pooled network. <see cref="MemberCoefficients"/> gives each member's share of the pooled weights
/// (summing to 1): pooled = sum_i c_i * w_i. <see cref="NonZeroWeights"/> is its inference cost, to compare with
/// <see cref="MembersNonZeroWeights"/>, the cost of the output ensemble of all members. The pool starts from
/// <see cref="StartMember"/>, the member with the best validation accuracy, so its gain is measured against that
/// member's <see cref="StartTestAccuracy"/>: when no mix is accepted the pool is that member and gains nothing.
/// </summary>
public sealed record PooledTicket(
    IReadOnlyList<double> MemberCoefficients,
    int StartMember,
    double StartTestAccuracy,
    IReadOnlyList<PoolingStep> Steps,
    double ValidationAccuracy,
    double TestAccuracy,
    long NonZeroWeights,
    long MembersNonZeroWeights);

/// <summary>
/// Lottery Pools (Yin et al. 2022): linear interpolation of the weights of tickets of one architecture, chosen
/// greedily on validation accuracy. Start from the best member; visit the others from best to worst validation
/// accuracy, and mix each in as w = (1 - alpha) * w_pool + alpha * w_candidate at the grid coefficient with the best
/// validation accuracy, if that beats the pool without it (ties: the first coefficient in grid order). Masks are
/// not applied: the pool keeps every weight that any mixed-in member kept, which is what its cost counts.
/// </summary>
public static class WeightPooling
{
    /// <summary>alpha = step, 2*step, ..., 1 - step; with the endpoints 0 (keep the pool) and 1 (replace it by the candidate).</summary>
    public static IReadOnlyList<double> AlphaGrid(double step = 0.05, bool includeEndpoints = false)
    {
        var intervals = (int)Math.Round(1 / step);
        if (intervals < 1 || Math.Abs(intervals * step - 1) > 1e-9)
            throw new ArgumentOutOfRangeException(nameof(step), step, "step must divide 1 evenly");
        // i / intervals rather than a running sum, so 0.15 is the double nearest 0.15 and not 0.1 + 0.05.
        var first = includeEndpoints ? 0 : 1;
        var last = includeEndpoints ? intervals : intervals - 1;
        return Enumerable.Range(first, last - first + 1).Select(i => (double)i / intervals).ToList();
    }

    /// <summary>Pools members (full parameter dictionaries, owned by the caller), scoring with <paramref name="evaluate"/>.</summary>
    public static PooledTicket Pool(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> members, WeightEvaluator evaluate,
        Tensor validationLabels, Tensor testLabels, IReadOnlyList<double>? alphas = null)
    {
        if (members.Count == 0)
            throw new ArgumentException("pooling needs at least one member", nameof(members));
        var grid = alphas ?? AlphaGrid();
        using var scorer = new Scorer(evaluate, validationLabels, testLabels);
        var memberScores = members.Select(scorer.Score).ToList();
        var byValidation = Enumerable.Range(0, members.Count)
            .OrderByDescending(i => memberScores[i].Validation).ThenBy(i => i).ToList();

        var coefficients = new double[members.Count];
        coefficients[byValidation[0]] = 1;
        var pool = Clone(members[byValidation[0]]);
        var poolScore = memberScores[byValidation[0]];
        var steps = new List<PoolingStep>();
        try
        {
            foreach (var candidate in byValidation.Skip(1))
            {
                double? chosen = null;
                foreach (var alpha in grid)
                {
                    var trial = Interpolate(pool, members[candidate], alpha);
                    try
                    {
                        var score = scorer.Score(trial);
                        if (score.Validation > poolScore.Validation)
                            (chosen, poolScore) = (alpha, score);
                    }
                    finally
                    {
                        trial.DisposeAll();
                    }
                }
                if (chosen is { } accepted)
                {
                    var mixed = Interpolate(pool, members[candidate], accepted);
                    pool.DisposeAll();
                    pool = mixed;
                    for (var i = 0; i < coefficients.Length; i++)
                        coefficients[i] *= 1 - accepted;
                    coefficients[candidate] = accepted;
                }
                steps.Add(new PoolingStep(candidate, memberScores[candidate].Validation, chosen, poolScore.Validation));
            }
            var start = byValidation[0];
            return new PooledTicket(coefficients, start, memberScores[start].Test, steps, poolScore.Validation,
                poolScore.Test,
                NonZeroWeights(pool), members.Sum(NonZeroWeights));
        }
        finally
        {
            pool.DisposeAll();
        }
    }

    /// <summary>Pools members by loading each weight dictionary into <paramref name="network"/> and evaluating it on the data.</summary>
    public static PooledTicket Pool(PrunableNetwork network, DatasetSplits data,
        IReadOnlyList<IReadOnlyDictionary<string, Tensor>> members, IReadOnlyList<double>? alphas = null) =>
        Pool(members, EvaluatorFor(network, data), data.Validation.Labels, data.Test.Labels, alphas);

    /// <summary>An evaluator that overwrites <paramref name="network"/>'s parameters on every call.</summary>
    public static WeightEvaluator EvaluatorFor(PrunableNetwork network, DatasetSplits data) => weights =>
    {
        network.LoadState(weights);
        return (Evaluator.Logits(network, data.Validation), Evaluator.Logits(network, data.Test));
    };

    /// <summary>(1 - alpha) * a + alpha * b for every tensor; a new dictionary owned by the caller.</summary>
    public static Dictionary<string, Tensor> Interpolate(IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b, double alpha)
    {
        if (!a.Keys.ToHashSet().SetEquals(b.Keys))
            throw new ArgumentException("weight dictionaries hold different tensors", nameof(b));
        using var _ = no_grad();
        return a.ToDictionary(p => p.Key, p =>
        {
            using var scope = NewDisposeScope();
            // Written as the mix itself, so alpha = 0 and alpha = 1 reproduce a and b exactly.
            return (p.Value * (1 - alpha) + b[p.Key] * alpha).MoveToOuterDisposeScope();
        });
    }

    /// <summary>Non-zero entries of the prunable weights (names ending in ".weight", as pruning chooses them).</summary>
    public static long NonZeroWeights(IReadOnlyDictionary<string, Tensor> weights) =>
        weights.Where(p => p.Key.EndsWith(".weight", StringComparison.Ordinal))
            .Sum(p => { using var n = p.Value.count_nonzero(); return n.item<long>(); });

    private static Dictionary<string, Tensor> Clone(IReadOnlyDictionary<string, Tensor> weights) =>
        weights.ToDictionary(p => p.Key, p => p.Value.clone());

    /// <summary>Validation and test accuracy of a weight dictionary; labels copied to the CPU once.</summary>
    private sealed class Scorer(WeightEvaluator evaluate, Tensor validationLabels, Tensor testLabels) : IDisposable
    {
        private readonly Tensor validation = validationLabels.cpu();
        private readonly Tensor test = testLabels.cpu();

        public (double Validation, double Test) Score(IReadOnlyDictionary<string, Tensor> weights)
        {
            var (validationLogits, testLogits) = evaluate(weights);
            using (validationLogits)
            using (testLogits)
                return (EnsembleMath.LogitsAccuracy(validationLogits, validation), EnsembleMath.LogitsAccuracy(testLogits, test));
        }

        public void Dispose()
        {
            validation.Dispose();
            test.Dispose();
        }
    }
}
