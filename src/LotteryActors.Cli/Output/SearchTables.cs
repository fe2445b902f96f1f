using LotteryActors.Actors.Search;
using LotteryActors.Training.Imp;

namespace LotteryActors.Cli.Output;

/// <summary>The console view of a search: progress per ticket, the accuracy-density table, and the ensembles.</summary>
public static class SearchTables
{
    public static void PrintStatus(SearchState state)
    {
        var (done, total) = state.Progress();
        var phase = state.Completed ? "completed" : state.AllTicketsDone ? "ensembling" : "running or interrupted";
        Results.Out.WriteLine($"search {state.SearchId} ({state.Spec!.Name}): {done}/{total} runs journaled, {phase}");
        foreach (var (ticket, t) in state.Tickets)
        {
            var last = t.Runs.Where(r => r.Unit.Kind == RunKind.Ticket).MaxBy(r => r.Unit.Round);
            var where = last is null ? "no run yet" : $"last round {last.Unit.Round} at density {last.Density:F3}, test {last.Metrics.TestAccuracyAtEarlyStop:F4}";
            var flag = t.Failed ? $"FAILED: {t.FailureReason}" : t.Finished ? "finished" : "open";
            Results.Out.WriteLine($"  {ticket,-8} {t.Runs.Count,3} runs, {where}; {flag}");
        }
    }

    public static void PrintResults(SearchState state)
    {
        PrintStatus(state);
        Results.Out.WriteLine();
        RunTable.Print(state.Tickets.Values.SelectMany(t => t.Runs).ToList());
        if (state.Ensemble is not { Levels.Count: > 0 } ensemble)
            return;
        Results.Out.WriteLine();
        Results.Out.WriteLine("ensembles of all tickets per round (test accuracy; member selected on validation)");
        Results.Out.WriteLine($"{"width",6} {"round",5} {"density",8} {"members",7} {"mean",7} {"best",7} {"selected",8} {"logit",7} {"prob",7} {"vote",7} {"dense",7} {"gain",7}");
        foreach (var l in ensemble.Levels)
        {
            var s = l.Scores;
            var gain = s.LogitAverageTestAccuracy - s.SelectedMemberTestAccuracy;
            Results.Out.WriteLine($"{l.Width,6:G3} {l.Round,5} {l.Density,8:F4} {s.Members,7} {s.MeanMemberTestAccuracy,7:F4} " +
                              $"{s.BestMemberTestAccuracy,7:F4} {s.SelectedMemberTestAccuracy,8:F4} {s.LogitAverageTestAccuracy,7:F4} " +
                              $"{s.ProbabilityAverageTestAccuracy,7:F4} {s.MajorityVoteTestAccuracy,7:F4} {l.DenseTestAccuracy,7:F4} {gain,7:+0.0000;-0.0000}");
        }
        Results.Out.WriteLine("gain = logit-average ensemble minus the validation-selected member");
    }
}
