using LotteryActors.Training.Imp;

namespace LotteryActors.Cli.Output;

/// <summary>Accuracy against density, one line per round, the ticket beside its controls.</summary>
public static class RunTable
{
    public static void Print(IReadOnlyCollection<RunResult> results)
    {
        Results.Out.WriteLine($"{"ticket",-8} {"round",5} {"density",8} {"ticket",8} {"reinit",8} {"rnd-mask",8} {"es-iter",8}");
        foreach (var group in results.GroupBy(r => (r.Unit.Ticket, r.Unit.Round)).OrderBy(g => g.Key.Ticket.WidthIndex)
                     .ThenBy(g => g.Key.Ticket.Index).ThenBy(g => g.Key.Round))
        {
            string Acc(RunKind kind) => group.FirstOrDefault(r => r.Unit.Kind == kind) is { } r
                ? r.Metrics.TestAccuracyAtEarlyStop.ToString("F4") : "-";
            var ticket = group.First(r => r.Unit.Kind == RunKind.Ticket);
            Results.Out.WriteLine($"{group.Key.Ticket,-8} {group.Key.Round,5} {ticket.Density,8:F4} {Acc(RunKind.Ticket),8} " +
                              $"{Acc(RunKind.RandomReinit),8} {Acc(RunKind.RandomMask),8} {ticket.Metrics.EarlyStopIteration,8}");
        }
        Results.Out.WriteLine("accuracies: test accuracy at the early-stop iteration (peak validation accuracy)");
    }
}
