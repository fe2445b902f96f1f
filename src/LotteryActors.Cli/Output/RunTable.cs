using LotteryActors.Cli.Report;
using LotteryActors.Training.Imp;

namespace LotteryActors.Cli.Output;

/// <summary>Accuracy against density, one line per round, the ticket beside its controls.</summary>
public static class RunTable
{
    public static void Print(IReadOnlyCollection<RunResult> results)
    {
        var rows = results.GroupBy(r => (r.Unit.Ticket, r.Unit.Round))
            .OrderBy(g => g.Key.Ticket.WidthIndex).ThenBy(g => g.Key.Ticket.Index).ThenBy(g => g.Key.Round)
            .Select(group =>
            {
                double Accuracy(RunKind kind) =>
                    group.FirstOrDefault(r => r.Unit.Kind == kind)?.Metrics.TestAccuracyAtEarlyStop ?? double.NaN;
                var ticket = group.First(r => r.Unit.Kind == RunKind.Ticket);
                return new object?[]
                {
                    group.Key.Ticket.ToString(), group.Key.Round, ticket.Density, Accuracy(RunKind.Ticket),
                    Accuracy(RunKind.RandomReinit), Accuracy(RunKind.RandomMask), ticket.Metrics.EarlyStopIteration,
                };
            }).ToList();
        new ReportTable("runs", "Runs per ticket and round",
            ["ticket", "round", "density", "ticket", "reinit", "rnd-mask", "es-iter"], rows,
            "accuracies: test accuracy at the early-stop iteration (peak validation accuracy)").WriteText(Results.Out);
    }
}
