using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Analysis;

/// <summary>
/// Which weights of a run are judged. The converged dense baseline keeps the weights of its best validation
/// evaluation, so judging tickets and controls on their final weights holds them to a lower bar than the dense net
/// (issue #22). <see cref="EarlyStopped"/>, the default, judges every run at its own best validation evaluation, the
/// same rule for all; <see cref="FinalWeights"/> is the rule of the reports made before it, kept to reproduce them.
/// </summary>
public enum RunSelection { EarlyStopped, FinalWeights }

/// <summary>A run's validation and test accuracy under a <see cref="RunSelection"/>.</summary>
public static class RunScores
{
    public static double Validation(RunMetrics metrics, RunSelection selection) =>
        selection == RunSelection.EarlyStopped ? metrics.BestValidationAccuracy : metrics.ValidationAccuracy;

    public static double Test(RunMetrics metrics, RunSelection selection) =>
        selection == RunSelection.EarlyStopped ? metrics.TestAccuracyAtEarlyStop : metrics.TestAccuracy;
}
