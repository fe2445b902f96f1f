using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Observability;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;
using static LotteryActors.Cluster.Trainers.UnitWorker;

namespace LotteryActors.Cluster.Trainers;

/// <summary>
/// The one engine of a trainer node that stacks (<c>lottery.runtime.engine</c> is stacked on its device): its
/// <see cref="WorkPuller"/> hands it every leased training run, and it trains them through each search's
/// <see cref="StackedEngine"/>, one batch at a time on its own pinned thread, in chunks with a message to itself
/// between them. Which runs share a stack, and each run's place in it, the engine derives from the spec alone, so a
/// run's bits depend neither on the companions this node happened to lease nor on the node: with one device type,
/// stack size and thread count, a search trained by several stacked nodes gives every run the bits one stacked node
/// gives it. Timing decides only when a batch starts: once it is full, or once stack-gather has passed. Each member's
/// output and progress go to the parent as a <see cref="UnitWorker"/>'s do. A failure never escapes as an exception (that would cost the units still waiting
/// here): a batch that throws fails each of its members, a diverged member only itself, and the parent judges each.
/// A run whose search was cancelled (<see cref="UnitWorker.Stop"/>) is dropped if it waits; in a batch it trains on
/// with its companions (leaving would change their bits), is reported stopped when the batch ends, and a batch whose
/// members were all cancelled ends between two chunks.
/// </summary>
public sealed class StackWorker : ReceiveActor, IWithTimers
{
    private readonly RunnerSource runners;
    private readonly EngineSettings settings;
    private readonly int chunkIterations;
    private readonly List<Member> waiting = [];
    private readonly Dictionary<string, SearchEngine> engines = [];
    private Batch? batch;

    public StackWorker(RunnerSource runners, EngineSettings settings, int chunkIterations)
    {
        this.runners = runners;
        this.settings = settings;
        this.chunkIterations = chunkIterations;
        Idle();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RunnerSource runners, EngineSettings settings, int chunkIterations) =>
        Akka.Actor.Props.Create(() => new StackWorker(runners, settings, chunkIterations))
            .WithDispatcher(TrainerDispatcher.Id);

    /// <summary>The engine's name ("engine"): its examples/s series, all members together, is labelled with it.
    /// </summary>
    private string Trainer => Self.Path.Name;

    protected override void PreStart()
    {
        NodeMetrics.TrainerIdle(Trainer);
        Context.GetLogger().Info("Training on the stacked engine: stacks of {StackSize}", settings.StackSize);
    }

    protected override void PostStop()
    {
        NodeMetrics.TrainerStopped(Trainer);
        batch?.Run.Dispose();
    }

    private void Idle()
    {
        Receive<RunUnit>(unit =>
        {
            Enqueue(unit);
            StartWhenReady(gathered: false);
        });
        Receive<GatherEnded>(_ => StartWhenReady(gathered: true));
        Receive<Stop>(stop => DropWaiting(stop.WorkId));
    }

    private void Training()
    {
        Receive<RunUnit>(Enqueue);
        // A gather that ended while this batch trained: the batch's end looks at the waiting runs again.
        Receive<GatherEnded>(_ => { });
        Receive<Continue>(_ => Guarded(batch!.Members, TrainChunk));
        Receive<Stop>(stop =>
        {
            // The batch's next chunk (one Continue is always on its way) sees the cancellation.
            if (!DropWaiting(stop.WorkId) && batch!.Members.Any(m => m.WorkId == stop.WorkId))
                batch = batch with { Cancelled = batch.Cancelled.Add(stop.WorkId) };
        });
    }

    /// <summary>Drops a cancelled run that waits for its stack; false where none waits (it trains, or it ended).
    /// </summary>
    private bool DropWaiting(string workId)
    {
        if (waiting.RemoveAll(m => m.WorkId == workId) == 0)
            return false;
        Context.Parent.Tell(new Stopped(workId));
        return true;
    }

    /// <summary>Queues a leased run under its search's engine; a unit this node may not run is refused or failed
    /// at once, as a <see cref="UnitWorker"/> would.</summary>
    private void Enqueue(RunUnit unit)
    {
        try
        {
            Queue(unit);
        }
        catch (Exception e)
        {
            Context.Parent.Tell(new MemberFailed(unit.WorkId, e));
        }
    }

    private void Queue(RunUnit unit)
    {
        var runner = runners(CanonicalSpec.FromJson(unit.SpecJson));
        if (Refusal(unit, runner) is { } refused)
        {
            Context.Parent.Tell(refused);
            return;
        }
        if (unit.Item.Run?.ToDomain() is not { } run)
            throw new ArgumentException($"{unit.WorkId} is not a training run; the engine trains nothing else");
        var search = runner.Spec.SearchId;
        if (!engines.ContainsKey(search))
            engines[search] = new SearchEngine(new StackedEngine(runner, settings.StackSize),
                runner.Spec.Training.BatchSize);
        waiting.Add(new Member(unit.WorkId, search, run, runner.Data.Fingerprint));
    }

    /// <summary>Starts the first ready batch of the search whose run has waited longest, or sets the gather timer.
    /// </summary>
    private void StartWhenReady(bool gathered)
    {
        foreach (var search in waiting.Select(m => m.SearchId).Distinct().ToList())
        {
            var members = waiting.Where(m => m.SearchId == search).ToList();
            if (engines[search].Engine.ReadyBatch(members.Select(m => m.Unit).ToList(), gathered) is not { } ready)
                continue;
            Timers.Cancel(GatherEnded.Instance);
            var stack = ready.Select(unit => members.Single(m => m.Unit == unit)).ToList();
            waiting.RemoveAll(stack.Contains);
            Become(Training);
            Guarded(stack, () =>
            {
                var run = engines[search].Engine.Begin(ready);
                batch = new Batch(stack, run, RunPace.Start(run.Iteration, run.TotalIterations, Now),
                    engines[search].BatchSize, []);
                Self.Tell(Continue.Instance);
            });
            return;
        }
        if (waiting.Count > 0 && !Timers.IsTimerActive(GatherEnded.Instance))
            Timers.StartSingleTimer(GatherEnded.Instance, GatherEnded.Instance, settings.Gather);
    }

    private void TrainChunk()
    {
        if (batch!.Cancelled.Count == batch.Members.Count)
        {
            foreach (var member in batch.Members)
                Context.Parent.Tell(new Stopped(member.WorkId));
            EndBatch();
            return;
        }
        var (run, from, started) = (batch.Run, batch.Run.Iteration, Stopwatch.GetTimestamp());
        run.RunChunk(chunkIterations);
        NodeMetrics.Trained(Trainer, (run.Iteration - from) * batch.BatchSize * batch.Members.Count,
            Stopwatch.GetElapsedTime(started));
        batch = batch with { Pace = batch.Pace.Moved(run.Iteration, Now) };
        // As UnitWorker: every chunk, the last one included, so the progress view sees each member trained.
        foreach (var member in batch.Members)
            Context.System.EventStream.Publish(
                new ProgressMessages.RunProgressed(member.Unit, run.Iteration, run.TotalIterations, run.IsComplete));
        if (!run.IsComplete)
        {
            // Each member trained its own examples in the stack's time, so each reports the stack's pace.
            var progress = new TrainingProgress(batch.Pace.Latest, batch.Pace.Total,
                batch.Pace.ExamplesPerSecond(batch.BatchSize));
            foreach (var member in batch.Members)
                Tell(member, new Progressed(member.WorkId, progress));
            Self.Tell(Continue.Instance);
            return;
        }
        var outcomes = run.Finish().ToDictionary(o => o.Unit);
        foreach (var member in batch.Members)
        {
            var outcome = outcomes[member.Unit];
            Tell(member, outcome.Result is { } result
                ? new Finished(member.WorkId, WorkOutput.Trained(result), member.Fingerprint)
                : new MemberFailed(member.WorkId, outcome.Failure!));
        }
        EndBatch();
    }

    /// <summary>Runs a step of a batch; whatever it throws fails each of its members and ends the batch, not the
    /// engine.</summary>
    private void Guarded(IReadOnlyList<Member> members, Action step)
    {
        try
        {
            step();
        }
        catch (Exception e)
        {
            foreach (var member in members)
                Tell(member, new MemberFailed(member.WorkId, e));
            EndBatch();
        }
    }

    /// <summary>Tells the parent about a member of the batch; of one whose search was cancelled, only that it
    /// stopped, once the batch is done with it.</summary>
    private void Tell(Member member, object message)
    {
        if (batch?.Cancelled.Contains(member.WorkId) != true)
            Context.Parent.Tell(message);
        else if (message is not Progressed)
            Context.Parent.Tell(new Stopped(member.WorkId));
    }

    private void EndBatch()
    {
        batch?.Run.Dispose();
        batch = null;
        // A search with nothing waiting here needs no engine until its next run arrives.
        foreach (var search in engines.Keys.Where(s => waiting.All(m => m.SearchId != s)).ToList())
            engines.Remove(search);
        NodeMetrics.TrainerIdle(Trainer);
        Become(Idle);
        StartWhenReady(gathered: false);
    }

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    /// <summary>To the parent: the run of <paramref name="WorkId"/> failed (diverged, or its batch failed); the
    /// engine trains on.</summary>
    public sealed record MemberFailed(string WorkId, Exception Cause);

    /// <summary>A leased run waiting here or training, with the fingerprint of the dataset it trains on.</summary>
    private sealed record Member(string WorkId, string SearchId, WorkUnit Unit, string Fingerprint);

    /// <summary>A search's engine on this node, and the batch size its runs step with.</summary>
    private sealed record SearchEngine(ITrainingEngine Engine, int BatchSize);

    /// <param name="Cancelled">The members whose search was cancelled while they trained.</param>
    private sealed record Batch(IReadOnlyList<Member> Members, IEngineBatch Run, RunPace Pace, int BatchSize,
        ImmutableHashSet<string> Cancelled);

    private sealed record Continue
    {
        public static readonly Continue Instance = new();
    }

    private sealed record GatherEnded
    {
        public static readonly GatherEnded Instance = new();
    }
}
