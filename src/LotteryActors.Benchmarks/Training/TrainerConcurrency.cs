using System.Diagnostics;
using LotteryActors.Training.Imp;
using static TorchSharp.torch;

namespace LotteryActors.Benchmarks.Training;

/// <summary>
/// One way of training a set of work units, timed. <see cref="TrainingSeconds"/> runs from the first trainer's start
/// to the last trainer's final step (evaluation and storing of the results left out), the span in which trainers
/// compete for the cores; <see cref="WallSeconds"/> is everything. Garbage collection is counted over the wall time:
/// a collection pauses every trainer thread of the process at once. <see cref="StartSpreadSeconds"/> is how long after
/// the first trainer's first step the last one's began (0 one after another): a window that opens on one trainer
/// and closes on another includes it. <see cref="CpuSecondsByThread"/> is what each kind of thread used in the window
/// of trainers that train at once (<see cref="ThreadCpu"/>; empty for one after another).
/// </summary>
public sealed record TrainingRunMeasurement(
    int Trainers, double WallSeconds, double StartupSeconds, double TrainingSeconds,
    IReadOnlyList<string> WeightsHashes, int GcCollections, double GcPauseSeconds, double StartSpreadSeconds,
    IReadOnlyDictionary<string, double> CpuSecondsByThread);

/// <summary>
/// The same work units trained without actors: one alone on one thread (the unit of scaling), all of them one after
/// another with every core's thread, and all at once on plain threads with one libtorch thread each.
/// </summary>
public static class TrainerConcurrency
{
    public static TrainingRunMeasurement Alone(ImpRunner runner, WorkUnit unit) =>
        Sequential(runner, [unit], threads: 1);

    public static TrainingRunMeasurement Sequential(ImpRunner runner, IReadOnlyList<WorkUnit> units, int threads)
    {
        set_num_threads(threads);
        var gc = GcWatch.Start();
        var clock = Stopwatch.StartNew();
        var trained = 0.0;
        var hashes = units.Select(u =>
        {
            var result = Train(runner, u, clock);
            trained = result.TrainedAt;
            return result.Hash;
        }).ToList();
        return gc.Finish(units.Count, clock.Elapsed.TotalSeconds, 0, trained, hashes, startSpread: 0,
            new Dictionary<string, double>());
    }

    public static TrainingRunMeasurement PlainThreads(ImpRunner runner, IReadOnlyList<WorkUnit> units)
    {
        set_num_threads(1);
        var gc = GcWatch.Start();
        var clock = Stopwatch.StartNew();
        var results = new (string Hash, double StartedAt, double TrainedAt)[units.Count];
        var cpuBefore = ThreadCpu.Sample();
        using var training = new CountdownEvent(units.Count);
        using var closed = new ManualResetEventSlim();
        IReadOnlyDictionary<string, double>? cpu = null;
        var threads = units.Select((u, i) => new Thread(() =>
        {
            results[i] = Train(runner, u, clock, () =>
            {
                // The last trainer to end its final step closes the window, before it stores its results.
                if (!training.Signal())
                    return;
                cpu = ThreadCpu.Sample().Since(cpuBefore);
                closed.Set();
            });
            // An ended thread is gone from the kernel's list, with its time: each stays until the window closes.
            closed.Wait();
        }) { Name = "plain trainer" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return gc.Finish(units.Count, clock.Elapsed.TotalSeconds, 0, results.Max(r => r.TrainedAt),
            results.Select(r => r.Hash).ToList(), results.Max(r => r.StartedAt) - results.Min(r => r.StartedAt), cpu!);
    }

    /// <summary>Trains one unit on the calling thread; returns its weights' hash, when its first step was about to
    /// begin and when its last step ended (<paramref name="trained"/> is called then).</summary>
    private static (string Hash, double StartedAt, double TrainedAt) Train(ImpRunner runner, WorkUnit unit,
        Stopwatch clock, Action? trained = null)
    {
        using var run = runner.Begin(unit);
        var startedAt = clock.Elapsed.TotalSeconds;
        while (!run.IsComplete)
            run.RunChunk(int.MaxValue);
        var trainedAt = clock.Elapsed.TotalSeconds;
        trained?.Invoke();
        return (run.Finish().WeightsHash, startedAt, trainedAt);
    }
}

/// <summary>Collections and pause time of the garbage collector from <see cref="Start"/> to the measurement.</summary>
public sealed class GcWatch
{
    private readonly int collections = GC.CollectionCount(0);
    private readonly TimeSpan paused = GC.GetTotalPauseDuration();

    public static GcWatch Start() => new();

    public TrainingRunMeasurement Finish(int trainers, double wallSeconds, double startupSeconds,
        double trainingSeconds, IReadOnlyList<string> hashes, double startSpread,
        IReadOnlyDictionary<string, double> cpuByThread) =>
        new(trainers, wallSeconds, startupSeconds, trainingSeconds, hashes, GC.CollectionCount(0) - collections,
            (GC.GetTotalPauseDuration() - paused).TotalSeconds, startSpread, cpuByThread);
}
