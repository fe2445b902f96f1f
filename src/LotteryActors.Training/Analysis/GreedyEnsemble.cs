using LotteryActors.Training.Ensembles;
using static TorchSharp.torch;

namespace LotteryActors.Training.Analysis;

/// <summary>The first <see cref="Size"/> members chosen, in the order chosen, and their logit average's accuracies.</summary>
public sealed record GreedyStep(IReadOnlyList<int> Members, double ValidationAccuracy, double TestAccuracy)
{
    public int Size => Members.Count;
}

/// <summary>
/// Greedy forward selection of an output ensemble (Caruana et al. 2004), choosing on validation only: start from
/// the member with the best validation accuracy, then repeatedly add the member, without replacement, whose
/// addition gives the best validation accuracy of the logit average. Ties go to the lowest member index. Test
/// accuracy is measured afterwards for each prefix, so reported test numbers never fed back into a choice.
/// </summary>
public static class GreedyEnsemble
{
    /// <summary>Steps for k = 1..<paramref name="maxSize"/> (all members when null).</summary>
    public static IReadOnlyList<GreedyStep> Select(IReadOnlyList<MemberOutputs> members, Tensor validationLabels, Tensor testLabels, int? maxSize = null)
    {
        var order = SelectionOrder(members.Select(m => m.ValidationLogits).ToList(), validationLabels, maxSize ?? members.Count);
        using var test = testLabels.cpu();
        return order.Select((_, k) =>
        {
            var chosen = order.Take(k + 1).Select(o => o.Member).ToList();
            var testAccuracy = EnsembleMath.LogitAverageAccuracy(chosen.Select(m => members[m].TestLogits).ToList(), test);
            return new GreedyStep(chosen, order[k].ValidationAccuracy, testAccuracy);
        }).ToList();
    }

    /// <summary>Members in the order greedy selection adds them, with the validation accuracy after each addition.</summary>
    public static IReadOnlyList<(int Member, double ValidationAccuracy)> SelectionOrder(
        IReadOnlyList<Tensor> validationLogits, Tensor validationLabels, int maxSize)
    {
        if (validationLogits.Count == 0)
            throw new ArgumentException("selection needs at least one member", nameof(validationLogits));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSize, validationLogits.Count);
        using var labels = validationLabels.cpu();
        var chosen = new List<int>();
        var order = new List<(int, double)>();
        while (chosen.Count < maxSize)
        {
            var best = -1;
            var bestAccuracy = double.NegativeInfinity;
            for (var candidate = 0; candidate < validationLogits.Count; candidate++)
            {
                if (chosen.Contains(candidate))
                    continue;
                var accuracy = EnsembleMath.LogitAverageAccuracy(chosen.Append(candidate).Select(m => validationLogits[m]).ToList(), labels);
                if (accuracy > bestAccuracy)
                    (best, bestAccuracy) = (candidate, accuracy);
            }
            chosen.Add(best);
            order.Add((best, bestAccuracy));
        }
        return order;
    }
}
