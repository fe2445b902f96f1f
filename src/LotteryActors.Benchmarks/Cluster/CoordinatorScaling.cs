using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Benchmarks.Cluster;

/// <summary>What the coordinator's scaling simulation runs: how many units, pulled by how many simulated nodes.
/// </summary>
/// <param name="Units">Work units to pull in all (the searches are sized to come as close as whole tickets allow).
/// </param>
/// <param name="Pullers">Simulated trainer nodes of one slot each, in the coordinator's process.</param>
/// <param name="Searches">Searches submitted at once, sharing the pullers (the fairness rule at work).</param>
/// <param name="RunSeconds">Run lengths at which to state how many GPUs the measured rates could feed.</param>
public sealed record CoordinatorScalingPlan(int Units, int Pullers, int Searches, IReadOnlyList<double> RunSeconds);

/// <summary>
/// How far one coordinator scales, measured: the REAL <see cref="WorkCoordinator"/> (a cluster singleton on a node
/// with the coordinator role only, journaling to a real PostgreSQL) hands out every unit of several searches to
/// simulated pullers that answer each offer at once with a made-up output (<see cref="SimulatedWork"/>), so what is
/// timed is the coordinator, its journal and the protocol, never training. Then the coordinator is restarted on a
/// fresh node three times: on an empty database (the fixed cost of starting a singleton), on this journal with its
/// snapshot, and on this journal with the snapshots deleted.
/// </summary>
public static class CoordinatorScaling
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <param name="template">A valid spec; its searches differ by init seed and are sized by ticket count.</param>
    /// <param name="cluster">The lab's settings (clocks, snapshot interval); the node runs on 127.0.0.1, port 0.
    /// </param>
    /// <param name="runtime">Settings whose journal is pointed at <paramref name="connectionString"/>.</param>
    /// <param name="emptyConnectionString">An empty database on the same server, for the baseline start.</param>
    /// <exception cref="InvalidOperationException">A unit was not journaled as completed exactly once.</exception>
    public static async Task<CoordinatorScalingReport> MeasureAsync(CoordinatorScalingPlan plan, SearchSpec template,
        ClusterSettings cluster, RuntimeSettings runtime, string connectionString, string emptyConnectionString,
        Config? akkaOverrides, CancellationToken cancel)
    {
        var searches = Searches(plan, template);
        var units = searches.Sum(UnitsOf);
        var node = Node(cluster, runtime, connectionString, akkaOverrides);
        double seconds;
        try
        {
            await node.Up().WaitAsync(Patience, cancel);
            for (var i = 0; i < plan.Pullers; i++)
                node.System.ActorOf(SimulatedPuller.Props(node.Coordinator, $"simulated-{i:D3}"), $"puller-{i}");
            await Progress(node, "none", cancel); // the singleton is up and has recovered its empty journal
            var clock = Stopwatch.StartNew();
            foreach (var spec in searches)
                await node.Coordinator.Ask<SearchAccepted>(new SubmitSearch(CanonicalSpec.ToJson(spec)), Patience,
                    cancel);
            foreach (var spec in searches)
                while (!(await Progress(node, spec.SearchId, cancel)).Finished)
                    await Task.Delay(Poll, cancel);
            seconds = clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await node.DisposeAsync();
        }

        var journal = CoordinatorJournal.Events(connectionString);
        var completed = CheckEachUnitCompletedOnce(journal, units);
        var snapshot = CoordinatorJournal.NewestSnapshot(connectionString);
        var empty = await Recover(cluster, runtime, emptyConnectionString, akkaOverrides, null, cancel);
        var fromSnapshot = await Recover(cluster, runtime, connectionString, akkaOverrides, searches, cancel);
        DeleteSnapshots(connectionString);
        var whole = await Recover(cluster, runtime, connectionString, akkaOverrides, searches, cancel);

        var leases = journal.OfType<WorkLeased>().Count();
        var writesPerSecond = journal.Count / seconds;
        var eventsPerUnit = (double)journal.Count / completed;
        return new CoordinatorScalingReport(
            plan.Pullers, searches.Count, completed, cluster.SnapshotEvery, seconds,
            leases, journal.Count, leases / seconds, writesPerSecond, completed / seconds, eventsPerUnit,
            new RecoveryTimes(empty, fromSnapshot, journal.Count - (snapshot?.SequenceNr ?? 0), whole, journal.Count),
            plan.RunSeconds.Select(run => new GpuCapacity(run, Math.Floor(writesPerSecond / (eventsPerUnit / run))))
                .ToList());
    }

    /// <summary>Units of one search: one init draw per width, every run of every ticket, and its ensembles.</summary>
    public static int UnitsOf(SearchSpec spec) =>
        spec.Model.Widths.Count + spec.Tickets().Sum(t => TicketSchedule.For(spec, t).Count) + 1;

    /// <summary>
    /// The plan's searches: the template with init seeds 1, 2, ... (distinct search ids) and as many tickets per
    /// width as bring the total nearest to <see cref="CoordinatorScalingPlan.Units"/>.
    /// </summary>
    public static IReadOnlyList<SearchSpec> Searches(CoordinatorScalingPlan plan, SearchSpec template)
    {
        var widths = template.Model.Widths.Count;
        // A ticket's runs; an init's first ticket may also run the dense baseline, which the template leaves off.
        var perTicket = TicketSchedule.For(template, template.Tickets()[^1]).Count;
        var perSearch = (double)plan.Units / plan.Searches;
        var tickets = Math.Max(1, (int)Math.Round((perSearch - widths - 1) / (widths * perTicket)));
        return Enumerable.Range(1, plan.Searches).Select(seed => template with
        {
            Name = $"coordinator-scaling-{seed}",
            TicketsPerWidth = tickets,
            Seeds = template.Seeds with { Init = seed },
        }).ToList();
    }

    /// <summary>
    /// Every unit queued was completed exactly once, and as many as the searches hold: a benchmark of a run that
    /// lost or repeated work would measure the wrong thing.
    /// </summary>
    private static int CheckEachUnitCompletedOnce(IReadOnlyList<IClusterEvent> journal, int units)
    {
        var queued = journal.OfType<WorkQueued>().Select(q => q.WorkId).ToHashSet();
        var completed = journal.OfType<WorkCompleted>().Select(c => c.WorkId).ToList();
        if (queued.Count != units || completed.Count != units || !queued.SetEquals(completed))
            throw new InvalidOperationException(
                $"the journal holds {queued.Count} queued and {completed.Count} completed unit(s) " +
                $"({completed.Distinct().Count()} distinct) for {units} unit(s) planned");
        return units;
    }

    /// <summary>
    /// Seconds from a fresh coordinator node being Up until its singleton answers a progress request (the request
    /// waits in the proxy and the coordinator's stash while it recovers); with no searches, until it answers at all.
    /// </summary>
    private static async Task<double> Recover(ClusterSettings cluster, RuntimeSettings runtime,
        string connectionString, Config? akkaOverrides, IReadOnlyList<SearchSpec>? searches, CancellationToken cancel)
    {
        await using var node = Node(cluster, runtime, connectionString, akkaOverrides);
        await node.Up().WaitAsync(Patience, cancel);
        var clock = Stopwatch.StartNew();
        var asked = searches?[0].SearchId ?? "none";
        var progress = await Progress(node, asked, cancel);
        if (searches is not null && !progress.Finished)
            throw new InvalidOperationException($"the recovered coordinator reports {asked} unfinished: {progress}");
        return clock.Elapsed.TotalSeconds;
    }

    private static Task<SearchProgress> Progress(ClusterNode node, string searchId, CancellationToken cancel) =>
        node.Coordinator.Ask<SearchProgress>(new ProgressRequested(searchId), Patience, cancel);

    private static ClusterNode Node(ClusterSettings cluster, RuntimeSettings runtime, string connectionString,
        Config? akkaOverrides)
    {
        var alone = cluster with
        {
            Roles = [CoordinatorSingleton.Role],
            Hostname = "127.0.0.1",
            PublicHostname = "127.0.0.1",
            Port = 0,
            SeedNodes = [],
        };
        var journal = runtime with { Journal = JournalBackend.Postgresql, ConnectionString = connectionString };
        var node = ClusterNode.Start(alone, journal,
            _ => throw new InvalidOperationException("a coordinator-only node runs no work"), akkaOverrides);
        node.Join(node.Address);
        return node;
    }

    private static void DeleteSnapshots(string connectionString)
    {
        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        connection.Open();
        using var delete = new Npgsql.NpgsqlCommand("DELETE FROM snapshot WHERE persistence_id = @id", connection);
        delete.Parameters.AddWithValue("id", WorkCoordinator.PersistenceIdValue);
        delete.ExecuteNonQuery();
    }

    /// <summary>
    /// A trainer node of one slot whose every unit costs nothing: it answers each offer at once with the unit's
    /// made-up output and asks for more once the result is acknowledged, the protocol a real puller speaks.
    /// </summary>
    private sealed class SimulatedPuller : ReceiveActor
    {
        public SimulatedPuller(IActorRef coordinator, string node)
        {
            Receive<WorkOffered>(offer =>
                coordinator.Tell(new WorkDone(node, offer.WorkId, SimulatedWork.Output(offer.Item))));
            Receive<WorkAcknowledged>(_ => coordinator.Tell(new WorkRequested(node, 1, 0)));
            coordinator.Tell(new WorkRequested(node, 1, 0));
        }

        public static Props Props(IActorRef coordinator, string node) =>
            Akka.Actor.Props.Create(() => new SimulatedPuller(coordinator, node));
    }
}

/// <summary>
/// What the scaling simulation measured. Journal writes are events (Akka.Persistence.Sql batches several into one
/// SQL statement). <see cref="Capacity"/> divides the measured write rate by what one GPU slot would cost per
/// second at each run length: its units' events (<see cref="EventsPerUnit"/> per run). Lease renewals are not
/// journaled (they move deadlines in the coordinator's memory), so they cost no write; the simulated pullers send
/// none, so what a renewal costs the actor's CPU is not in this measurement.
/// </summary>
public sealed record CoordinatorScalingReport(
    int Pullers,
    int Searches,
    int Units,
    int SnapshotEvery,
    double Seconds,
    long Leases,
    long JournalEvents,
    double LeasesPerSecond,
    double JournalWritesPerSecond,
    double UnitsPerSecond,
    double EventsPerUnit,
    RecoveryTimes Recovery,
    IReadOnlyList<GpuCapacity> Capacity);

/// <summary>
/// Seconds from a fresh coordinator node being Up to its first answer: on an empty database (the singleton's own
/// start), from the newest snapshot and the <see cref="EventsAfterSnapshot"/> after it, and from the whole journal.
/// </summary>
public sealed record RecoveryTimes(
    double EmptyJournalSeconds,
    double FromSnapshotSeconds,
    long EventsAfterSnapshot,
    double WholeJournalSeconds,
    long JournalEvents);

/// <summary>How many one-slot GPU nodes the measured coordinator could keep fed with runs this long.</summary>
public sealed record GpuCapacity(double RunSeconds, double Gpus);
