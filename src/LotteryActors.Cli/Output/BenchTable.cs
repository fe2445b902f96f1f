using LotteryActors.Benchmarks.Training;
using LotteryActors.Cli.Commands;

namespace LotteryActors.Cli.Output;

public static class BenchTable
{
    public static void Print(BenchDocument d)
    {
        var (g1, gAll, t, c) = (d.Gemm.OneThread, d.Gemm.AllThreads, d.Trainer, d.Concurrency);
        var o = Results.Out;
        o.WriteLine($"GEMM {g1.Size}x{g1.Size} float32: {g1.GflopsPerSecond,7:F1} GFLOP/s on 1 thread, "
                    + $"{gAll.GflopsPerSecond,7:F1} on {gAll.Threads}");
        o.WriteLine($"one trainer ({t.Optimizer}), 1 thread:  {t.OneThread.ExamplesPerSecond,8:F0} examples/s "
                    + $"{t.OneThread.GflopsPerSecond,6:F1} GFLOP/s = {t.ShareOfOneThreadGemm:P0} of 1-thread GEMM");
        o.WriteLine($"one trainer ({t.Optimizer}), {gAll.Threads} threads: {t.AllThreads.ExamplesPerSecond,8:F0} "
                    + $"examples/s {t.AllThreads.GflopsPerSecond,6:F1} GFLOP/s "
                    + $"= {t.ShareOfMachineGemm:P0} of machine GEMM");
        o.WriteLine($"one trainer ({t.OtherOptimizer}), 1 thread:  {t.OtherOptimizerOneThread.ExamplesPerSecond,8:F0} "
                    + $"examples/s; {t.Optimizer} runs at {t.ThroughputOverOtherOptimizer:F2}x of it (per repeat: "
                    + $"{string.Join(", ", t.ThroughputOverOtherOptimizerPerRepeat.Select(r => r.ToString("F2")))})");
        o.WriteLine($"  the optimizer's update, 1 thread: {t.Optimizer} "
                    + $"{t.OneThread.OptimizerMillisecondsPerStep:F3} ms a step ({t.OneThread.OptimizerShare:P1} "
                    + $"of the window), {t.OtherOptimizer} {t.OtherOptimizerOneThread.OptimizerMillisecondsPerStep:F3} "
                    + $"ms ({t.OtherOptimizerOneThread.OptimizerShare:P1})");
        PrintConv(d.Conv);
        o.WriteLine($"{c.Tickets} tickets x {c.EpochsPerTicket} epoch(s):");
        o.WriteLine($"  one ticket alone, 1 thread       {c.Alone.WallSeconds,7:F1} s  "
                    + $"(training {c.Alone.TrainingSeconds:F1} s)");
        o.WriteLine($"  one after another, all threads   {c.SequentialAllThreadsSeconds,7:F1} s");
        o.WriteLine($"  plain threads, 1 thread each     {c.PlainThreadsSeconds,7:F1} s  "
                    + $"({c.SpeedupThreadsOverSequential:F2}x; "
                    + $"scaling efficiency {c.PlainThreadScalingEfficiency:P0}; "
                    + $"last start {c.PlainThreads.StartSpreadSeconds * 1000:F0} ms after the first)");
        o.WriteLine($"  actor search                     {c.ActorSearchSeconds,7:F1} s  "
                    + $"({c.SpeedupActorsOverSequential:F2}x; "
                    + $"start-up {c.ActorStartupSeconds:F1} s; scaling efficiency {c.ActorScalingEfficiency:P0}; "
                    + $"{c.ActorOverheadVsPlainThreads:P1} longer training than plain threads; "
                    + $"last start {c.ActorSearch.StartSpreadSeconds * 1000:F0} ms after the first)");
        o.WriteLine($"  garbage collection: plain threads {c.PlainThreads.GcCollections} collections, "
                    + $"{c.PlainThreads.GcPauseSeconds:F2} s paused; actors {c.ActorSearch.GcCollections}, "
                    + $"{c.ActorSearch.GcPauseSeconds:F2} s");
        o.WriteLine($"  actor results identical to plain threads: {c.ActorResultsEqualPlainThreads}");
        foreach (var (r, i) in d.ConcurrencyRepeats.Select((r, i) => (r, i + 1)))
            o.WriteLine($"  repeat {i}: scaling efficiency plain threads {r.PlainThreadScalingEfficiency:P0}, actors "
                        + $"{r.ActorScalingEfficiency:P0}; actors {r.ActorOverheadVsPlainThreads:P1} longer; "
                        + $"start-up {r.ActorStartupSeconds:F1} s; last start after the first: plain threads "
                        + $"{r.PlainThreadStartSpreadSeconds * 1000:F0} ms, actors {r.ActorStartSpreadSeconds * 1000:F0} ms"
                        + $"\n    CPU by thread in the window, plain threads: {Cpu(r.PlainThreadCpuSecondsByThread)}"
                        + $"\n    CPU by thread in the window, actors: {Cpu(r.ActorCpuSecondsByThread)}");
        foreach (var k in d.Stacked)
            o.WriteLine(StackedLine(k));
        if (d.Engines is { } e)
            o.WriteLine($"round 0 of {e.Units} tickets as a search trains it: separate engine "
                        + $"{e.SeparateSeconds:F1} s, stacked engine (stacks of {e.StackSize}) {e.StackedSeconds:F1} s "
                        + $"({e.StackedSpeedup:F2}x); "
                        + $"largest test accuracy difference {e.LargestTestAccuracyDifference:G2}");
        foreach (var m in d.Memory.PeakResident)
            o.WriteLine($"peak resident memory, {m.Trainers} trainer(s): {m.PeakResidentBytes / 1048576.0,7:F0} MiB");
        foreach (var failure in d.Memory.Failures)
            o.WriteLine($"peak resident memory not measured: {failure}");
        o.WriteLine(d.Resume.SecondsToFirstStep is { } s
            ? $"resumed search, process start to its first trainer: {s:F2} s"
            : $"resumed search not measured: {d.Resume.Failure}");
    }

    /// <summary>Each conv trainer against the 1-thread GEMM, best of its repeats, and each repeat's own ratio (wall
    /// clock / CPU clock).</summary>
    public static void PrintConv(IEnumerable<ConvTrainerBenchmark> trainers)
    {
        foreach (var t in trainers)
            Results.Out.WriteLine($"one {t.Model} trainer (width {t.Width}, {t.Optimizer}), 1 thread: "
                                  + $"{t.ExamplesPerSecond,6:F0} examples/s = {t.ShareOfOneThreadGemm:P0} of 1-thread "
                                  + $"GEMM ({t.CpuShareOfOneThreadGemm:P0} by CPU time; per repeat: "
                                  + string.Join(", ", t.Repeats.Select(r =>
                                      $"{r.ShareOfOneThreadGemm:F2}/{r.CpuShareOfOneThreadGemm:F2}"))
                                  + ")");
        foreach (var t in trainers)
        foreach (var k in t.Stacked)
            Results.Out.WriteLine($"{t.Model} " + StackedLine(k));
    }

    /// <summary>A stack against its members trained one after another, and how far apart their weights end.</summary>
    private static string StackedLine(StackedMeasurement k) =>
        $"{k.Members,2} members stacked, 1 thread: {k.StackedExamplesPerSecond,8:F0} examples/s against "
        + $"{k.SeparateExamplesPerSecond,8:F0} trained separately ({k.StackedOverSeparate:F2}x); "
        + $"after one step weights apart by at most {k.FirstStepLargestDifference:G2}, after the "
        + $"timed steps by {k.RelativeDifferenceAfterTimedSteps:P2} of their norm";

    /// <summary>The six busiest kinds of thread, in CPU seconds.</summary>
    private static string Cpu(IReadOnlyDictionary<string, double> byThread) =>
        string.Join(", ", byThread.Take(6).Select(k => $"{k.Key} {k.Value:F2} s"));
}
