using Akka.Actor;
using LotteryActors.Actors.Tickets;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Trainers;

/// <summary>
/// Runs one leased unit on its own pinned thread (TorchSharp's dispose scopes are thread-local): finds the
/// search's runner (the node loads a dataset once), then draws an init in one step or trains a run in chunks with
/// a message to itself between them, so it stays responsive to a stop. It tells its parent the output and stops;
/// a failure, named by its work id, is the parent's to judge (diverged or environmental).
/// </summary>
public sealed class UnitWorker : ReceiveActor
{
    private readonly string workId;
    private ActiveRun? run;

    public UnitWorker(string workId, WorkItem item, string specJson, RunnerSource runners, int chunkIterations)
    {
        this.workId = workId;
        Receive<Continue>(_ =>
        {
            var runner = runners(CanonicalSpec.FromJson(specJson));
            if (item.Run is not { } unit)
            {
                var init = runner.DrawInit(item.WidthIndex);
                Finish(WorkOutput.Drawn(init, runner.DenseMask(init)));
                return;
            }
            run = runner.Begin(unit);
            Become(() => Receive<Continue>(_ => Train(chunkIterations)));
            Self.Tell(Continue.Instance);
        });
    }

    public static Props Props(string workId, WorkItem item, string specJson, RunnerSource runners,
        int chunkIterations) =>
        Akka.Actor.Props.Create(() => new UnitWorker(workId, item, specJson, runners, chunkIterations))
            .WithDispatcher(TrainingNode.TrainerDispatcher);

    protected override void PreStart() => Self.Tell(Continue.Instance);

    protected override void PostStop() => run?.Dispose();

    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            throw new UnitFailedException(workId, e);
        }
    }

    private void Train(int chunkIterations)
    {
        run!.RunChunk(chunkIterations);
        if (run.IsComplete)
            Finish(WorkOutput.Trained(run.Finish()));
        else
            Self.Tell(Continue.Instance);
    }

    private void Finish(WorkOutput output)
    {
        Context.Parent.Tell(new Finished(workId, output));
        Context.Stop(Self);
    }

    /// <summary>To the parent: the unit's output, its artifacts stored.</summary>
    public sealed record Finished(string WorkId, WorkOutput Output);

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

/// <summary>Gives a trainer node the runner for a search: its dataset (loaded once per node) and artifact store.</summary>
public delegate ImpRunner RunnerSource(SearchSpec spec);
