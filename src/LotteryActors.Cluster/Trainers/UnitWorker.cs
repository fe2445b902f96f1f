using System.Diagnostics;
using Akka.Actor;
using LotteryActors.Actors.Ensembles;
using LotteryActors.Actors.Observability;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Protocol.Journal;
using static LotteryActors.Actors.Protocol.ProgressMessages;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Trainers;

/// <summary>
/// One training slot of a trainer node: a long-lived actor on its own pinned thread (TorchSharp's dispose scopes
/// are thread-local, and libtorch threads are costly to create and tear down per unit) that runs the units it is
/// given one at a time: an init draw or an ensemble evaluation in one step, a training run in chunks with a
/// message to itself between them, so it stays responsive. It tells its parent each output, and a training run's
/// progress after every chunk (its pace measured as the single-node progress view measures it); a failure, named by
/// its work id, is the parent's to judge (diverged or environmental), and the parent restarts it idle on the same
/// thread.
/// </summary>
public sealed class UnitWorker : ReceiveActor
{
    private readonly RunnerSource runners;
    private readonly int chunkIterations;
    private string? workId;
    private string? fingerprint;
    private ActiveRun? run;
    private RunPace? pace;
    private int batchSize;

    public UnitWorker(RunnerSource runners, int chunkIterations)
    {
        this.runners = runners;
        this.chunkIterations = chunkIterations;
        Become(Idle);
    }

    public static Props Props(RunnerSource runners, int chunkIterations) =>
        Akka.Actor.Props.Create(() => new UnitWorker(runners, chunkIterations))
            .WithDispatcher(TrainerDispatcher.Id);

    /// <summary>The slot's name ("slot-0"), unique on this node: its examples/s series is labelled with it.
    /// </summary>
    private string Trainer => Self.Path.Name;

    /// <summary>Also after a restart: the slot's series is back at 0 as soon as it is idle again.</summary>
    protected override void PreStart() => NodeMetrics.TrainerIdle(Trainer);

    protected override void PostStop()
    {
        NodeMetrics.TrainerStopped(Trainer);
        run?.Dispose();
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e) when (workId is { } failed)
        {
            throw new UnitFailedException(failed, e);
        }
    }

    private void Idle()
    {
        // A stop for a unit that finished meanwhile, and the chunk trigger a stopped run left in the mailbox.
        Receive<Stop>(_ => { });
        Receive<Continue>(_ => { });
        Receive<RunUnit>(Run);
    }

    private void Run(RunUnit unit)
    {
        workId = unit.WorkId;
        var runner = runners(CanonicalSpec.FromJson(unit.SpecJson));
        fingerprint = runner.Data.Fingerprint;
        if (Refusal(unit, runner) is { } refused)
        {
            Context.Parent.Tell(refused);
            workId = null;
            return;
        }
        if (unit.Item.Kind == WorkKind.Init)
        {
            var init = runner.DrawInit(unit.Item.InitToDraw);
            Finish(WorkOutput.Drawn(init, runner.DenseMask(init)));
            return;
        }
        if (unit.Item.Kind == WorkKind.Ensemble)
        {
            // One step, like the single-node aggregator: evaluation has no iterations to chunk.
            Finish(WorkOutput.Evaluated(EnsembleEvaluation.Evaluate(runner, unit.Item.Ensembles!)));
            return;
        }
        run = runner.Begin(unit.Item.Run!.ToDomain());
        batchSize = runner.Spec.Training.BatchSize;
        pace = RunPace.Start(run.Iteration, run.TotalIterations, TimeProvider.System.GetUtcNow());
        Become(Training);
        Self.Tell(Continue.Instance);
    }

    private void Training()
    {
        Receive<Continue>(_ => TrainChunk());
        Receive<Stop>(stop => stop.WorkId == workId, stop =>
        {
            run!.Dispose();
            (run, pace, workId) = (null, null, null);
            NodeMetrics.TrainerIdle(Trainer);
            Context.Parent.Tell(new Stopped(stop.WorkId));
            Become(Idle);
        });
    }

    private void TrainChunk()
    {
        var (from, started) = (run!.Iteration, Stopwatch.GetTimestamp());
        run.RunChunk(chunkIterations);
        NodeMetrics.Trained(Trainer, (run.Iteration - from) * batchSize, Stopwatch.GetElapsedTime(started));
        pace = pace!.Moved(run.Iteration, TimeProvider.System.GetUtcNow());
        // The console's progress view follows the event stream; the last chunk's report (complete, whether at the
        // last iteration or stopped early) tells it the run is trained, so it stops counting it as running.
        Context.System.EventStream.Publish(
            new RunProgressed(run.Unit, run.Iteration, run.TotalIterations, run.IsComplete));
        if (!run.IsComplete)
        {
            Context.Parent.Tell(new Progressed(workId!,
                new TrainingProgress(pace.Latest, pace.Total, pace.ExamplesPerSecond(batchSize))));
            Self.Tell(Continue.Instance);
            return;
        }
        var result = run.Finish();
        run.Dispose();
        (run, pace) = (null, null);
        NodeMetrics.TrainerIdle(Trainer);
        Finish(WorkOutput.Trained(result));
        Become(Idle);
    }

    /// <summary>The refusal of a unit whose search recorded another dataset than <paramref name="runner"/>'s, or
    /// null: nothing is trained or stored then, since a search's results must all come from one dataset.</summary>
    public static Refused? Refusal(RunUnit unit, ImpRunner runner) =>
        unit.DatasetFingerprint is { } recorded && recorded != runner.Data.Fingerprint
            ? new Refused(unit.WorkId, runner.Data.Fingerprint, SearchState.MismatchLine(
                runner.Spec.SearchId, recorded, runner.Data.Fingerprint, runner.Spec.Dataset.Path))
            : null;

    private void Finish(WorkOutput output)
    {
        Context.Parent.Tell(new Finished(workId!, output, fingerprint!));
        workId = null;
    }

    /// <summary>From the parent: run this leased unit; <paramref name="DatasetFingerprint"/> is the search's
    /// recorded dataset (null until it has one).</summary>
    public sealed record RunUnit(string WorkId, WorkItem Item, string SpecJson, string? DatasetFingerprint);

    /// <summary>To the parent: the unit's output, its artifacts stored, computed from the dataset with
    /// <paramref name="DatasetFingerprint"/>; the worker is idle again.</summary>
    public sealed record Finished(string WorkId, WorkOutput Output, string DatasetFingerprint);

    /// <summary>To the parent: how far the training run of <paramref name="WorkId"/> is, after a chunk.</summary>
    public sealed record Progressed(string WorkId, TrainingProgress Progress);

    /// <summary>To the parent: this node's dataset is not the search's (<paramref name="Reason"/>, one line);
    /// nothing ran, and the worker is idle again.</summary>
    public sealed record Refused(string WorkId, string DatasetFingerprint, string Reason);

    /// <summary>From the parent: its unit's lease ended (its search was cancelled, or the node lost it); drop the run
    /// between two chunks. A unit drawn or evaluated in one step, or already finished, is not stopped: its result is
    /// ignored.</summary>
    public sealed record Stop(string WorkId);

    /// <summary>To the parent: the run of <paramref name="WorkId"/> was dropped; the worker is idle again.</summary>
    public sealed record Stopped(string WorkId);

    private sealed record Continue
    {
        public static readonly Continue Instance = new();
    }
}

/// <summary>A unit's failure, naming its work id, so the puller's decider knows which unit failed.</summary>
public sealed class UnitFailedException(string workId, Exception cause) : Exception($"{workId}: {cause.Message}", cause)
{
    public string WorkId { get; } = workId;
}

/// <summary>Gives a trainer node the runner of a search: its dataset (loaded once per node) and its store.</summary>
public delegate ImpRunner RunnerSource(SearchSpec spec);
