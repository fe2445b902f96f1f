using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace LotteryActors.Benchmarks.Training;

/// <summary>
/// CPU time of this process's threads, read from the kernel (<c>/proc/self/task</c>; empty where there is none), so a
/// training window can say which threads used the cores besides the trainers: on a machine whose cores all train,
/// any other thread's CPU is taken from them. The kernel counts in clock ticks (10 ms on usual kernels), so a
/// thread's figure is exact to a tick; a thread that ends before the second sample is gone from the list, and its
/// time with it.
/// </summary>
public sealed partial class ThreadCpu
{
    private const int ClockTicksName = 2; // _SC_CLK_TCK in Linux's unistd.h

    private readonly Dictionary<int, (string Name, long Ticks)> threads;

    private ThreadCpu(Dictionary<int, (string Name, long Ticks)> threads) => this.threads = threads;

    /// <summary>Every thread's name and CPU ticks so far.</summary>
    public static ThreadCpu Sample()
    {
        var threads = new Dictionary<int, (string, long)>();
        const string tasks = "/proc/self/task";
        if (!Directory.Exists(tasks))
            return new ThreadCpu(threads);
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                // "tid (name) state ..."; a name may hold spaces and parentheses, so it ends at the last ')'.
                var (open, close) = (stat.IndexOf('('), stat.LastIndexOf(')'));
                var fields = stat[(close + 2)..].Split(' ');
                // utime and stime are fields 14 and 15 of the line, 12th and 13th after the name.
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (
                    stat[(open + 1)..close],
                    long.Parse(fields[11], CultureInfo.InvariantCulture)
                    + long.Parse(fields[12], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read: it has no time left to count.
            }
        }
        return new ThreadCpu(threads);
    }

    /// <summary>
    /// The CPU seconds each kind of thread used from <paramref name="before"/> to this sample, largest first: threads
    /// are grouped by name with digits dropped (a pool's workers, a dispatcher's threads), a thread that started in
    /// between counts from zero, and kinds that used no tick are left out.
    /// </summary>
    public IReadOnlyDictionary<string, double> Since(ThreadCpu before)
    {
        var tick = 1.0 / ClockTicksPerSecond();
        return threads
            .GroupBy(t => Digits().Replace(t.Value.Name, "").Trim())
            .Select(g => (Kind: g.Key, Seconds: g.Sum(t =>
                t.Value.Ticks - before.threads.GetValueOrDefault(t.Key, (t.Value.Name, 0)).Ticks) * tick))
            .Where(k => k.Seconds > 0)
            .OrderByDescending(k => k.Seconds)
            .ToDictionary(k => k.Kind, k => Math.Round(k.Seconds, 3));
    }

    private static long ClockTicksPerSecond() => OperatingSystem.IsLinux() ? SystemConfiguration(ClockTicksName) : 100;

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SystemConfiguration(int name);

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
