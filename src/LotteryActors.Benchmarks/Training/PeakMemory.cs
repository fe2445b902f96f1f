using System.Diagnostics;
using System.Globalization;
using LotteryActors.Training.Imp;
using static TorchSharp.torch;

namespace LotteryActors.Benchmarks.Training;

public sealed record MemoryMeasurement(int Trainers, long PeakResidentBytes);

/// <summary>
/// Peak resident memory (the kernel's high-water mark, VmHWM) of a node with N trainers. A peak can only grow within
/// a process, so each N is measured in a fresh child process that loads the dataset once and holds N trainers at the
/// same time; the differences between N show what one more trainer costs.
/// </summary>
public static class PeakMemory
{
    /// <summary>This process's peak resident set in bytes; null where the kernel does not report it.</summary>
    public static long? OfThisProcess()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null
            ? null
            : long.Parse(line["VmHWM:".Length..].Replace("kB", "").Trim(), CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>
    /// Starts one trainer per unit, each on its own thread, trains each <paramref name="iterations"/> iterations and
    /// reads the peak while all of them are still alive.
    /// </summary>
    public static long? WithTrainers(ImpRunner runner, IReadOnlyList<WorkUnit> units, int iterations)
    {
        set_num_threads(1);
        long? peak = null;
        using var allTrained = new Barrier(units.Count, _ => peak = OfThisProcess());
        var threads = units.Select(unit => new Thread(() =>
        {
            using var run = runner.Begin(unit);
            run.RunChunk(iterations);
            allTrained.SignalAndWait();
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return peak;
    }

    /// <summary>
    /// Runs one child per trainer count; each must print its peak in bytes as its last line of standard output.
    /// Counts whose child fails or prints nothing are left out, and the child's error output is returned instead.
    /// </summary>
    public static (IReadOnlyList<MemoryMeasurement> Measured, IReadOnlyList<string> Failures) InChildren(
        IEnumerable<int> trainerCounts, Func<int, ProcessStartInfo> child)
    {
        var measured = new List<MemoryMeasurement>();
        var failures = new List<string>();
        foreach (var count in trainerCounts)
        {
            var start = child(count);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 0 && long.TryParse(LastLine(output), CultureInfo.InvariantCulture, out var bytes))
                measured.Add(new MemoryMeasurement(count, bytes));
            else
                failures.Add($"{count} trainer(s): exit {process.ExitCode}: {LastLine(error.Result)}");
        }
        return (measured, failures);
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
