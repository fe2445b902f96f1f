using System.Security.Cryptography;
using System.Text;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Imp;

namespace LotteryActors.Cluster.Benchmarks;

/// <summary>
/// Outputs of work units that cost nothing to compute, for the coordinator's benchmark and for tests of its folds:
/// each unit's hashes are derived from the unit itself, so a pretend trainer answers the same unit the same way, as a
/// real (deterministic) one does, and a ticket's next round finds the mask its previous round "pruned to".
/// </summary>
public static class SimulatedWork
{
    public static WorkOutput Output(WorkItem item) => item.Run is { } run
        ? WorkOutput.Trained(new RunResult(run, 1.0 / (run.Round + 1),
            new RunMetrics(100, 0.9, 0.3, 0.89, 0.31, 60, 0.91, 0.895, 0.25),
            Hash($"weights {run}"), run.Kind == RunKind.Ticket ? Hash($"mask after {run}") : null, null))
        : WorkOutput.Drawn(Hash($"init {item.WidthIndex}"), Hash($"dense {item.WidthIndex}"));

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
