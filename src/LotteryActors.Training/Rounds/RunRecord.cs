using LotteryActors.Training.Data;
using LotteryActors.Training.Models;

namespace LotteryActors.Training.Rounds;

/// <summary>
/// What a training run keeps about itself beside its weights: its training loss since the last evaluation, its
/// validation curve and its best validation point with that point's test accuracy. <see cref="TrainingSession"/>
/// keeps one for its network and <see cref="Engines.StackedSession"/> one per member, so a run trained alone and a
/// stacked member judge divergence, the early-stop point and their outcome by the same code.
/// </summary>
public sealed class RunRecord
{
    private readonly List<EvalPoint> curve = [];
    private double lossSum;
    private int lossCount;
    private double lastTrainLoss = double.NaN;

    public (int Iteration, double Accuracy, double TestAccuracy) Best { get; private set; } =
        (-1, double.NegativeInfinity, double.NaN);

    /// <summary>Adds the losses of consecutive steps, the first at <paramref name="firstIteration"/>; the first
    /// non-finite one throws <see cref="DivergenceException"/>.</summary>
    public void AddLosses(ReadOnlySpan<float> values, int firstIteration)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new DivergenceException(firstIteration + i, values[i]);
            lossSum += values[i];
            lossCount++;
        }
    }

    /// <summary>Evaluates <paramref name="network"/>, which holds this run's weights at <paramref name="iteration"/>,
    /// on validation, and on test when that is a new best; true on a new best.</summary>
    public bool Evaluate(int iteration, PrunableNetwork network, DatasetSplits data)
    {
        var validation = Evaluator.Evaluate(network, data.Validation);
        curve.Add(new EvalPoint(iteration, validation.Accuracy, validation.Loss));
        lastTrainLoss = lossCount > 0 ? lossSum / lossCount : double.NaN;
        (lossSum, lossCount) = (0, 0);
        if (validation.Accuracy <= Best.Accuracy)
            return false;
        Best = (iteration, validation.Accuracy, Evaluator.Evaluate(network, data.Test).Accuracy);
        return true;
    }

    /// <summary>The outcome of the run whose kept weights <paramref name="network"/> holds, after
    /// <paramref name="iterations"/> iterations.</summary>
    public RoundOutcome Outcome(int iterations, PrunableNetwork network, DatasetSplits data)
    {
        var validation = Evaluator.Evaluate(network, data.Validation);
        var test = Evaluator.Evaluate(network, data.Test);
        return new RoundOutcome(iterations, validation.Accuracy, validation.Loss, test.Accuracy, test.Loss,
            Best.Iteration, Best.Accuracy, Best.TestAccuracy, lastTrainLoss, curve.ToList(), network.CaptureState());
    }
}
