using LotteryActors.Cli.Commands;
using LotteryActors.Training.Benchmarks;

namespace LotteryActors.Cli.Output;

public static class BenchTable
{
    public static void Print(GemmMeasurement gemmOne, GemmMeasurement gemmAll, TrainingMeasurement trainerOne,
        TrainingMeasurement trainerAll, ConcurrencyMeasurement c)
    {
        Results.Out.WriteLine($"GEMM {gemmOne.Size}x{gemmOne.Size} float32: {gemmOne.GflopsPerSecond,7:F1} GFLOP/s on 1 thread, {gemmAll.GflopsPerSecond,7:F1} on {gemmAll.Threads}");
        Results.Out.WriteLine($"one trainer, 1 thread:  {trainerOne.ExamplesPerSecond,8:F0} examples/s {trainerOne.GflopsPerSecond,6:F1} GFLOP/s = {trainerOne.GflopsPerSecond / gemmOne.GflopsPerSecond:P0} of 1-thread GEMM");
        Results.Out.WriteLine($"one trainer, {gemmAll.Threads} threads: {trainerAll.ExamplesPerSecond,8:F0} examples/s {trainerAll.GflopsPerSecond,6:F1} GFLOP/s = {trainerAll.GflopsPerSecond / gemmAll.GflopsPerSecond:P0} of machine GEMM");
        Results.Out.WriteLine($"{c.Tickets} tickets x {c.EpochsPerTicket} epoch(s):");
        Results.Out.WriteLine($"  one after another, all threads {c.SequentialAllThreadsSeconds,7:F1} s");
        Results.Out.WriteLine($"  plain threads, 1 thread each   {c.PlainThreadsSeconds,7:F1} s  ({c.SpeedupThreadsOverSequential:F2}x)");
        Results.Out.WriteLine($"  actor search                   {c.ActorSearchSeconds,7:F1} s  ({c.SpeedupActorsOverSequential:F2}x; actor overhead {c.ActorOverheadShare:P1} of wall time)");
        Results.Out.WriteLine($"    after its {c.ActorStartupSeconds:F1} s start-up         {c.ActorSearchSeconds - c.ActorStartupSeconds,7:F1} s  ({c.SpeedupActorsAfterStartupOverSequential:F2}x; overhead {c.ActorOverheadShareAfterStartup:P1})");
        Results.Out.WriteLine($"  actor results identical to plain threads: {c.ActorResultsEqualPlainThreads}");
    }
}
