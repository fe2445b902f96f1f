using LotteryActors.Actors.Search;
using LotteryActors.Cli.Report;
using LotteryActors.Training.Imp;

namespace LotteryActors.Cli.Output;

/// <summary>The console view of a search: progress per ticket, the accuracy-density table, and the ensembles.</summary>
public static class SearchTables
{
    /// <param name="running">Whether a process holds the search's lock now.</param>
    public static void PrintStatus(SearchState state, bool running = false)
    {
        var (done, total) = state.Progress();
        var phase = SearchDocument.PhaseOf(state, running);
        // A priority is a cluster's word, said only where a submission gave one other than the default.
        var priority = state.Priority == SearchState.Empty.Priority ? "" : $", priority {state.Priority}";
        Results.Out.WriteLine(
            $"search {state.SearchId} ({state.Spec!.Name}): {done}/{total} runs journaled, {phase}{priority}");
        foreach (var (ticket, t) in state.Tickets)
        {
            var last = t.Runs.Where(r => r.Unit.Kind == RunKind.Ticket).MaxBy(r => r.Unit.Round);
            var where = last is null ? "no run yet" : $"last round {last.Unit.Round} at density {last.Density:F3}, test {last.Metrics.TestAccuracyAtEarlyStop:F4}";
            var flag = t.Failed ? $"FAILED: {t.FailureReason}" : t.Finished ? "finished" : "open";
            Results.Out.WriteLine($"  {ticket,-8} {t.Runs.Count,3} runs, {where}; {flag}");
        }
    }

    public static void PrintResults(SearchState state, bool running = false)
    {
        PrintStatus(state, running);
        Results.Out.WriteLine();
        RunTable.Print(state.Tickets.Values.SelectMany(t => t.Runs).ToList());
        if (state.Ensemble is not { Levels.Count: > 0 } ensemble)
            return;
        var rows = ensemble.Levels.Select(l => new object?[]
        {
            l.Width, l.Round, l.Density, l.Scores.Members, l.Scores.MeanMemberTestAccuracy, l.Scores.BestMemberTestAccuracy,
            l.Scores.SelectedMemberTestAccuracy, l.Scores.LogitAverageTestAccuracy, l.Scores.ProbabilityAverageTestAccuracy,
            l.Scores.MajorityVoteTestAccuracy, l.DenseTestAccuracy, l.Scores.LogitAverageTestAccuracy - l.Scores.SelectedMemberTestAccuracy,
        }).ToList();
        new ReportTable("ensembles", "Ensembles of all tickets per round (test accuracy; member selected on validation)",
            ["width", "round", "density", "members", "mean", "best", "selected", "logit", "prob", "vote", "dense", "gain"], rows,
            "gain = logit-average ensemble minus the validation-selected member").WriteText(Results.Out);
    }
}
