using LotteryActors.Actors.Observability;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Output.Progress;

/// <summary>
/// One running unit as the progress view shows it; rate and ETA are null until they can be measured. A cluster's
/// init draw or ensemble evaluation has no round, and its fraction is null (it has no iterations), as is that of a
/// unit whose node has not reported its iterations yet.
/// </summary>
public sealed record UnitProgress(
    string Ticket, int? Round, string Kind, string Node, double? Fraction, double? ExamplesPerSecond, TimeSpan? Eta);

/// <summary>The whole search: runs journaled of all runs, the units running now, and the measured pace.</summary>
public sealed record ProgressSnapshot(
    int Done, int Total, IReadOnlyList<UnitProgress> Running, double? ExamplesPerSecond, TimeSpan? Eta)
{
    /// <summary>
    /// The time the runs not journaled yet take at <paramref name="iterationsPerSecond"/>: each of
    /// <paramref name="iterationsPerRun"/>, less <paramref name="iterationsDone"/> that running units already did.
    /// </summary>
    public static TimeSpan EtaOf(int runsLeft, int iterationsPerRun, long iterationsDone, double iterationsPerSecond) =>
        TimeSpan.FromSeconds(Math.Max(0, (long)runsLeft * iterationsPerRun - iterationsDone) / iterationsPerSecond);
}

/// <summary>
/// What a person watching a search wants to know, computed from what one process sees: runs journaled of all runs
/// (from the coordinator), each running unit's iterations (from its trainer), and the throughput measured since
/// the first trained iteration. No clock of its own: every call is told the time, so it is a plain function of its
/// inputs. An ETA is given only once something has been measured; before that it is null, never a guess of zero.
/// </summary>
public sealed class SearchProgress(int batchSize, string node)
{
    private readonly Dictionary<WorkUnit, RunPace> running = [];
    private DateTimeOffset? firstSeen;
    private long iterationsTrained;
    private int iterationsPerRun;
    private int trainedNotJournaled;
    private int done;
    private int total;

    /// <summary>The coordinator's count; the first call says how much an earlier process already did.</summary>
    public void Journaled(int doneRuns, int totalRuns)
    {
        trainedNotJournaled = Math.Max(0, trainedNotJournaled - Math.Max(0, doneRuns - done));
        (done, total) = (doneRuns, totalRuns);
    }

    /// <summary>
    /// A unit trained up to <paramref name="iteration"/>; it stops counting as running once
    /// <paramref name="complete"/> (a dense baseline stopped by its patience ends before its last iteration) or at
    /// its last iteration.
    /// </summary>
    public void Progressed(WorkUnit unit, int iteration, int totalIterations, DateTimeOffset now,
        bool complete = false)
    {
        firstSeen ??= now;
        iterationsPerRun = Math.Max(iterationsPerRun, totalIterations);
        // A unit seen again from a lower iteration was restarted (its trainer failed): its pace starts over.
        if (!running.TryGetValue(unit, out var pace) || iteration < pace.Latest)
            pace = RunPace.Start(iteration, totalIterations, now);
        iterationsTrained += iteration - pace.Latest;
        pace = pace.Moved(iteration, now);
        if (iteration < totalIterations && !complete)
        {
            running[unit] = pace;
            return;
        }
        running.Remove(unit);
        trainedNotJournaled++;
    }

    public ProgressSnapshot Snapshot(DateTimeOffset now)
    {
        var units = running.OrderBy(r => r.Key.Ticket.WidthIndex).ThenBy(r => r.Key.Ticket.Index)
            .Select(r => Unit(r.Key, r.Value)).ToList();
        var perSecond = firstSeen is { } start && iterationsTrained > 0 && now > start
            ? iterationsTrained / (now - start).TotalSeconds
            : (double?)null;
        return new ProgressSnapshot(done, total, units, perSecond * batchSize, OverallEta(perSecond));
    }

    private TimeSpan? OverallEta(double? iterationsPerSecond)
    {
        if (total == 0 || iterationsPerSecond is not { } rate)
            return null;
        return ProgressSnapshot.EtaOf(total - done - trainedNotJournaled, iterationsPerRun,
            running.Values.Sum(p => (long)p.Latest), rate);
    }

    private UnitProgress Unit(WorkUnit unit, RunPace pace) =>
        new(unit.Ticket.ToString(), unit.Round, SpecNames.Of(unit.Kind), node, (double)pace.Latest / pace.Total,
            pace.ExamplesPerSecond(batchSize), pace.Eta);
}
