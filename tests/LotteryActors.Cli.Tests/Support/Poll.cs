namespace LotteryActors.Cli.Tests.Support;

/// <summary>Waiting on real processes: a condition polled until it holds, or a timeout naming what never came.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Returns once <paramref name="condition"/> holds; throws "no <paramref name="what"/> within
    /// <paramref name="limit"/>" after that long.</summary>
    public static void Until(Func<bool> condition, string what, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no {what} within {limit}");
            Thread.Sleep(Interval);
        }
    }
}
