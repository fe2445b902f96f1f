using LotteryActors.Actors.Observability;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cli.Output.Progress;

/// <summary>
/// A cluster search as <c>submit --wait</c> shows it, from the coordinator's answer (named in full: this
/// namespace's <see cref="SearchProgress"/> is the single-node fold): the snapshot the single-node view draws.
/// Each unit's iterations and examples/s are what its node measured and told the coordinator with its latest lease
/// renewal; the rates add up to the cluster's throughput now, and the overall ETA is the work left at that
/// throughput. Nothing is estimated before some node has measured a rate.
/// </summary>
public static class ClusterProgress
{
    public static ProgressSnapshot Snapshot(WorkMessages.SearchProgress progress, int batchSize)
    {
        var units = progress.Running.Select(r => Unit(r, batchSize)).ToList();
        var reported = progress.Running.Select(r => r.Progress).OfType<TrainingProgress>().ToList();
        var rates = reported.Select(p => p.ExamplesPerSecond).OfType<double>().ToList();
        double? examplesPerSecond = rates.Count > 0 ? rates.Sum() : null;
        TimeSpan? eta = progress.Total > 0 && examplesPerSecond is > 0
            ? ProgressSnapshot.EtaOf(progress.Total - progress.Done, reported.Max(p => p.TotalIterations),
                reported.Sum(p => (long)p.Iteration), examplesPerSecond.Value / batchSize)
            : null;
        return new ProgressSnapshot(progress.Done, progress.Total, units, examplesPerSecond, eta);
    }

    private static UnitProgress Unit(RunningWork running, int batchSize)
    {
        var node = NodeId.HostPort(running.Node);
        var item = running.Item;
        if (item.Run is not { } run)
            return item.Kind == WorkKind.Ensemble
                ? new UnitProgress("all", null, "ensembles", node, null, null, null)
                : new UnitProgress(item.InitLabel, null, "init", node, null, null, null);
        // Null where the node has not reported the run yet: no percentage, rate or ETA.
        var progress = running.Progress;
        var rate = progress?.ExamplesPerSecond;
        var eta = progress is null
            ? null
            : RunPace.EtaOf(progress.TotalIterations - progress.Iteration, rate / batchSize);
        return new UnitProgress(run.Ticket.ToString(), run.Round, SpecNames.Of(run.Kind), node,
            (double?)progress?.Iteration / progress?.TotalIterations, rate, eta);
    }
}
