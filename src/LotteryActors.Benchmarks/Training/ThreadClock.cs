using System.Runtime.InteropServices;

namespace LotteryActors.Benchmarks.Training;

/// <summary>
/// The calling thread's CPU time (Linux's <c>CLOCK_THREAD_CPUTIME_ID</c>, to the nanosecond): what a one-thread
/// measurement took of a core, however many other processes shared the cores meanwhile. A GEMM and a trainer timed on
/// this clock keep their ratio on a loaded machine, where their wall times stretch by whatever the scheduler gave
/// others during each. NaN where there is no such clock.
/// </summary>
public static class ThreadClock
{
    private const int ThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID in Linux's time.h

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    public static double Seconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ThreadCpuTime, out var now) != 0)
            return double.NaN;
        return now.Seconds + now.Nanoseconds * 1e-9;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
