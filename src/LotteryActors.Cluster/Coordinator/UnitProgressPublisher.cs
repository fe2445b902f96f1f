using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Persistence;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Coordinator;

/// <summary>
/// Writes its coordinator's running units to the <see cref="UnitProgressTable"/>, off the coordinator's thread
/// (<c>PipeTo</c>), one write at a time: a snapshot told while a write runs waits, and a newer one replaces it, so a
/// slow database costs only freshness. A failed write is a warning (said once until a write succeeds again), never
/// the search's fault: progress is not science. A child of the coordinator, under its default strategy: it holds
/// nothing but the next snapshot, so a restart loses at most one interval's.
/// </summary>
public sealed class UnitProgressPublisher : ReceiveActor
{
    private readonly ILoggingAdapter log = Context.GetLogger();
    private IReadOnlyList<PublishedUnit>? next;
    private bool writing;
    private bool failing;

    public UnitProgressPublisher(UnitProgressTable table, string publisher)
    {
        Receive<Publish>(publish =>
        {
            next = publish.Units;
            if (!writing)
                Write(table, publisher);
        });
        Receive<Written>(_ =>
        {
            failing = false;
            WriteNext(table, publisher);
        });
        Receive<Status.Failure>(failed =>
        {
            if (!failing)
                log.Warning("could not publish the running units' progress to {Table} (the dashboard shows none " +
                            "until a write succeeds; the search goes on): {Cause}", UnitProgressTable.Name,
                    failed.Cause.Message);
            failing = true;
            WriteNext(table, publisher);
        });
    }

    public static Props Props(UnitProgressTable table, string publisher) =>
        Akka.Actor.Props.Create(() => new UnitProgressPublisher(table, publisher));

    private void WriteNext(UnitProgressTable table, string publisher)
    {
        writing = false;
        if (next is not null)
            Write(table, publisher);
    }

    private void Write(UnitProgressTable table, string publisher)
    {
        var units = next!;
        next = null;
        writing = true;
        table.ReplaceAsync(publisher, units).PipeTo(Self, success: () => Written.Instance);
    }

    /// <summary>
    /// The units leased now, across the coordinator's searches, each with what its node last reported: what
    /// <see cref="Publish"/> carries. A search that completed or was cancelled holds no lease, so it drops out.
    /// </summary>
    /// <param name="staleAfter">How old a reader may find a row before it ignores it.</param>
    public static IReadOnlyList<PublishedUnit> Running(CoordinatorState state, LeaseProgress progress,
        TimeSpan staleAfter) =>
        state.Queue.Leases.Select(lease =>
        {
            var unit = state.Queue.Open[lease.Key];
            var item = unit.Item;
            var (name, round, kind) = item switch
            {
                { Run: { } run } => (run.Ticket.ToString(), (int?)run.Round, SpecNames.Of(run.Kind)),
                { Kind: WorkKind.Ensemble } => ("all", null, "ensembles"),
                _ => (item.InitLabel, null, "init"),
            };
            var reported = progress.Of(lease.Key);
            return new PublishedUnit(unit.SearchId, lease.Key, NodeId.HostPort(lease.Value.Node), name, round, kind,
                reported?.Iteration, reported?.TotalIterations, reported?.ExamplesPerSecond, staleAfter);
        }).OrderBy(u => u.WorkId, StringComparer.Ordinal).ToList();

    /// <summary>The coordinator's running units now: replace the published ones with these.</summary>
    public sealed record Publish(IReadOnlyList<PublishedUnit> Units);

    private sealed record Written
    {
        public static readonly Written Instance = new();
    }
}

/// <summary>
/// Where and how often a coordinator publishes its running units (<c>lottery.runtime.unit-progress-every</c>);
/// a reader ignores a row <see cref="StalenessFactor"/> intervals old.
/// </summary>
public sealed record UnitProgressPublishing(UnitProgressTable Table, TimeSpan Every)
{
    public const int StalenessFactor = 3;

    public TimeSpan StaleAfter => Every * StalenessFactor;
}
