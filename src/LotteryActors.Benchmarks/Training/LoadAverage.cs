using System.Globalization;

namespace LotteryActors.Benchmarks.Training;

/// <summary>The one-minute load average (<c>/proc/loadavg</c>), recorded beside measurements made on a machine that
/// others may share; null where the system does not report it.</summary>
public static class LoadAverage
{
    public static double? OneMinute()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path))
            return null;
        var first = File.ReadAllText(path).Split(' ')[0];
        return double.TryParse(first, CultureInfo.InvariantCulture, out var load) ? load : null;
    }
}
