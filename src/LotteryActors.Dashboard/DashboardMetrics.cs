using Prometheus;

namespace LotteryActors.Dashboard;

/// <summary>
/// The dashboard's <c>/metrics</c>: where each search stands, read from the journal at scrape time, so a lab's
/// monitoring sees every search of the database, whichever machine runs it. (What only a running node knows, such as
/// examples/s and slot use, is on that node's own endpoint: <c>lottery.runtime.metrics.port</c>.)
/// </summary>
public static class DashboardMetrics
{
    private static readonly Gauge RunsJournaled = Metrics.CreateGauge("lottery_search_runs_journaled",
        "Training runs journaled so far, per search.", "search");

    private static readonly Gauge RunsPlanned = Metrics.CreateGauge("lottery_search_runs_planned",
        "Training runs the search's spec asks for.", "search");

    private static readonly Gauge TicketsFailed = Metrics.CreateGauge("lottery_search_tickets_failed",
        "Tickets journaled as failed (diverged), per search.", "search");

    private static readonly Gauge Completed = Metrics.CreateGauge("lottery_search_completed",
        "1 once the search is journaled as completed, else 0.", "search");

    public static void Register(SearchBoard board) => Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
    {
        foreach (var state in board.Searches)
        {
            var (done, total) = state.Progress();
            RunsJournaled.WithLabels(state.SearchId!).Set(done);
            RunsPlanned.WithLabels(state.SearchId!).Set(total);
            TicketsFailed.WithLabels(state.SearchId!).Set(state.FailedTickets().Count());
            Completed.WithLabels(state.SearchId!).Set(state.Completed ? 1 : 0);
        }
    });
}
