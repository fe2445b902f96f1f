using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Training.Ensembles;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Ensembles;

/// <summary>
/// The ensemble phase of a search, in two steps so that the single-node search and the cluster share them: planning
/// is arithmetic over journaled runs (done by whichever coordinator journals the outcome), evaluating loads and runs
/// networks (done on a trainer thread, in this process or on a trainer node). Both paths journal the same report.
/// </summary>
public static class EnsembleEvaluation
{
    /// <summary>
    /// The levels of the finished tickets' runs (<see cref="Search.SearchState.FinishedTicketRuns"/>), width by width
    /// and round by round: all tickets' runs of a width at one round are the members of that level.
    /// </summary>
    public static IReadOnlyList<EnsembleMembers> Plan(SearchSpec spec, IReadOnlyList<RunResult> ticketRuns)
    {
        var levels = new List<EnsembleMembers>();
        foreach (var width in ticketRuns.GroupBy(r => r.Unit.Ticket.WidthIndex).OrderBy(g => g.Key))
        {
            var dense = width.Where(r => r.Unit.Round == 0).Select(r => r.Metrics.TestAccuracy)
                .DefaultIfEmpty(double.NaN).Average();
            levels.AddRange(width.GroupBy(r => r.Unit.Round).OrderBy(g => g.Key).Select(round => new EnsembleMembers(
                width.Key, spec.Model.Widths[width.Key], round.Key, round.Average(r => r.Density), dense,
                round.OrderBy(r => r.Unit.Ticket.Index).Select(r => r.WeightsHash).ToList())));
        }
        return levels;
    }

    /// <summary>Scores every planned level on the runner's data, members loaded from the runner's store.</summary>
    public static EnsembleReport Evaluate(ImpRunner runner, IReadOnlyList<EnsembleMembers> plan) =>
        new(plan.Select(level =>
        {
            var members = level.WeightsHashes.Select(h => MemberOutputs.Compute(runner, level.Width, h)).ToList();
            try
            {
                return new EnsembleLevel(level.WidthIndex, level.Width, level.Round, level.Density,
                    JournalRecords.From(EnsembleScores.Of(members, runner.Data)), level.DenseTestAccuracy);
            }
            finally
            {
                members.ForEach(m => m.Dispose());
            }
        }).ToList());
}
