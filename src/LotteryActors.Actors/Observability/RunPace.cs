namespace LotteryActors.Actors.Observability;

/// <summary>
/// A training run's first and latest sightings (iteration and time): its pace is known once it has moved between
/// the two. One measure for every view of a run, so a unit on this machine and one on a cluster node report the
/// same examples/s and ETA: the single-node progress view and a trainer node's lease renewals both fold it.
/// </summary>
public sealed record RunPace(DateTimeOffset FirstAt, int First, DateTimeOffset LatestAt, int Latest, int Total)
{
    public static RunPace Start(int iteration, int total, DateTimeOffset now) =>
        new(now, iteration, now, iteration, total);

    public RunPace Moved(int iteration, DateTimeOffset now) => this with { LatestAt = now, Latest = iteration };

    public double? IterationsPerSecond =>
        Latest > First && LatestAt > FirstAt ? (Latest - First) / (LatestAt - FirstAt).TotalSeconds : null;

    /// <summary>Null until the pace is measured: an unmeasured run gets no rate, never a guess of zero.</summary>
    public double? ExamplesPerSecond(int batchSize) => IterationsPerSecond * batchSize;

    public TimeSpan? Eta => EtaOf(Total - Latest, IterationsPerSecond);

    /// <summary>The time <paramref name="iterationsLeft"/> take at a measured rate; null while there is no rate, so
    /// a view fed a reported rate (a cluster node's) estimates as this one does.</summary>
    public static TimeSpan? EtaOf(int iterationsLeft, double? iterationsPerSecond) =>
        iterationsPerSecond is { } rate && rate > 0 ? TimeSpan.FromSeconds(iterationsLeft / rate) : null;
}
