using System.Diagnostics;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Imp;

namespace LotteryActors.Benchmarks.Training;

/// <summary>One search's first round trained by each engine: wall seconds, and how far apart the results ended.
/// </summary>
public sealed record EngineComparisonResult(int Units, int StackSize, double SeparateSeconds, double StackedSeconds,
    double LargestTestAccuracyDifference)
{
    public double StackedSpeedup => SeparateSeconds / StackedSeconds;
}

/// <summary>
/// The search-level counterpart of <see cref="StackedThroughput"/>: round 0 of every ticket of the runner's spec,
/// with its evaluations and stored artifacts, through <see cref="SeparateEngine"/> and then
/// <see cref="StackedEngine"/>, on the calling thread (the caller sets libtorch's threads).
/// </summary>
public static class EngineComparison
{
    public static EngineComparisonResult Measure(ImpRunner runner, int stackSize, int chunkIterations = 1000)
    {
        var units = runner.RoundZero();
        var (separate, separateSeconds) = Timed(new SeparateEngine(runner), units, chunkIterations);
        var (stacked, stackedSeconds) = Timed(new StackedEngine(runner, stackSize), units, chunkIterations);
        var largest = separate.Zip(stacked, (alone, member) =>
            Math.Abs(alone.Result!.Metrics.TestAccuracy - member.Result!.Metrics.TestAccuracy)).Max();
        return new EngineComparisonResult(units.Count, stackSize, separateSeconds, stackedSeconds, largest);
    }

    private static (IReadOnlyList<MemberOutcome> Outcomes, double Seconds) Timed(ITrainingEngine engine,
        IReadOnlyList<WorkUnit> units, int chunkIterations)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = engine.TrainAll(units, chunkIterations);
        var failed = outcomes.FirstOrDefault(o => o.Failure is not null);
        if (failed is not null)
            throw new InvalidOperationException($"{failed.Unit} failed", failed.Failure);
        return (outcomes, clock.Elapsed.TotalSeconds);
    }
}
