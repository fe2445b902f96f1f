using System.Diagnostics;
using LotteryActors.Benchmarks.Training;

namespace LotteryActors.Training.Tests.Benchmarks;

public sealed class ThreadClockTests
{
    /// <summary>The clock counts this thread's work and not its waiting: 200 ms asleep add (next to) nothing, spinning
    /// adds no more than the wall clock saw pass.</summary>
    [Fact]
    public void The_thread_clock_counts_spinning_and_not_sleeping()
    {
        var start = ThreadClock.Seconds();
        Thread.Sleep(200);
        var slept = ThreadClock.Seconds() - start;
        var wall = Stopwatch.StartNew();
        start = ThreadClock.Seconds();
        while (wall.ElapsedMilliseconds < 100)
            Thread.SpinWait(1000);
        var spun = ThreadClock.Seconds() - start;
        var spunWall = wall.Elapsed.TotalSeconds;

        Assert.InRange(slept, 0, 0.02);
        Assert.InRange(spun, 1e-4, spunWall + 1e-3);
    }
}
