using static TorchSharp.torch;

namespace LotteryActors.Training.Rounds;

/// <summary>One point of the validation curve.</summary>
public readonly record struct EvalPoint(int Iteration, double ValidationAccuracy, double ValidationLoss);

/// <summary>
/// What one training run produced. The early-stop iteration is where validation accuracy peaked; test accuracy
/// is reported there and at the end, and nothing about it ever decides anything.
/// </summary>
public sealed record RoundOutcome(
    int Iterations,
    double FinalValidationAccuracy,
    double FinalValidationLoss,
    double FinalTestAccuracy,
    double FinalTestLoss,
    int EarlyStopIteration,
    double BestValidationAccuracy,
    double TestAccuracyAtEarlyStop,
    double TrainLoss,
    IReadOnlyList<EvalPoint> Curve,
    Dictionary<string, Tensor> TrainedWeights) : IDisposable
{
    public void Dispose() => TrainedWeights.DisposeAll();
}
