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

    public TimeSpan? Eta => IterationsPerSecond is { } rate ? TimeSpan.FromSeconds((Total - Latest) / rate) : null;
}
