using System.Security.Cryptography;
using System.Text;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Training.Imp;

namespace LotteryActors.Benchmarks.Cluster;

/// <summary>
/// Outputs of work units that cost nothing to compute, for the coordinator's benchmark and for tests of its folds:
/// each unit's hashes are derived from the unit itself, so a pretend trainer answers the same unit the same way, as a
/// real (deterministic) one does, and a ticket's next round finds the mask its previous round "pruned to".
/// </summary>
public static class SimulatedWork
{
    public static WorkOutput Output(WorkItem item) => item.Kind switch
    {
        WorkKind.Train => WorkOutput.Trained(Trained(item.Run!.ToDomain())),
        WorkKind.Ensemble => WorkOutput.Evaluated(new EnsembleReport(item.Ensembles!.Select(l => new EnsembleLevel(
            l.WidthIndex, l.Width, l.Round, l.Density,
            new ScoresRecord(l.WeightsHashes.Count, 0.87, 0.88, 0.88, 0.9, 0.89, 0.885), l.DenseTestAccuracy))
            .ToList())),
        _ => WorkOutput.Drawn(Hash($"init {item.WidthIndex}"), Hash($"dense {item.WidthIndex}")),
    };

    private static RunResult Trained(WorkUnit run) => new(run, 1.0 / (run.Round + 1),
        new RunMetrics(100, 0.9, 0.3, 0.89, 0.31, 60, 0.91, 0.895, 0.25),
        Hash($"weights {run}"), run.Kind == RunKind.Ticket ? Hash($"mask after {run}") : null, null);

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
