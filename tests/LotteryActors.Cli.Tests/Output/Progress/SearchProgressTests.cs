using LotteryActors.Cli.Output.Progress;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Tests.Output.Progress;

/// <summary>The progress arithmetic: runs done of all, measured throughput, ETAs only once measurable.</summary>
public sealed class SearchProgressTests
{
    private const int BatchSize = 60;
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
    private static readonly WorkUnit A = Unit(0, 0, RunKind.Ticket);
    private static readonly WorkUnit B = Unit(1, 2, RunKind.RandomMask);

    private static WorkUnit Unit(int ticket, int round, RunKind kind) =>
        new(new TicketId(0, ticket), round, kind, "start", "mask");

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    [Fact]
    public void Nothing_is_estimated_before_an_iteration_has_been_trained()
    {
        var progress = new SearchProgress(BatchSize, "node-1");
        Assert.Null(progress.Snapshot(At(5)).Eta);

        progress.Journaled(0, 10);
        progress.Progressed(A, 0, 1000, At(0));
        var s = progress.Snapshot(At(5));

        Assert.Null(s.Eta);
        Assert.Null(s.ExamplesPerSecond);
        var unit = Assert.Single(s.Running);
        Assert.Equal(("w0-t0", (int?)0, "ticket", "node-1", (double?)0.0),
            (unit.Ticket, unit.Round, unit.Kind, unit.Node, unit.Fraction));
        Assert.Null(unit.Eta);
        Assert.Null(unit.ExamplesPerSecond);
    }

    [Fact]
    public void A_units_pace_and_ETA_come_from_the_iterations_it_trained_since_it_was_first_seen()
    {
        var progress = new SearchProgress(BatchSize, "node-1");
        progress.Progressed(A, 200, 1000, At(0));
        progress.Progressed(A, 300, 1000, At(10));

        var unit = Assert.Single(progress.Snapshot(At(10)).Running);

        Assert.Equal(0.3, unit.Fraction!.Value, 9);
        Assert.Equal(10 * BatchSize, unit.ExamplesPerSecond!.Value, 9);
        Assert.Equal(TimeSpan.FromSeconds(70), unit.Eta);
    }

    [Fact]
    public void The_overall_ETA_is_the_work_left_at_the_throughput_measured_since_the_first_iteration()
    {
        var progress = new SearchProgress(BatchSize, "node-1");
        progress.Journaled(2, 10);
        progress.Progressed(A, 0, 1000, At(0));
        progress.Progressed(B, 0, 1000, At(0));
        progress.Progressed(A, 100, 1000, At(10));
        progress.Progressed(B, 100, 1000, At(10));

        var s = progress.Snapshot(At(10));

        // 200 iterations in 10 s; left: 8 runs of 1000 iterations, less the 200 the running units have done.
        Assert.Equal(20.0 * BatchSize, s.ExamplesPerSecond!.Value, 9);
        Assert.Equal(TimeSpan.FromSeconds(7800 / 20.0), s.Eta);
        Assert.Equal((2, 10), (s.Done, s.Total));
        Assert.Equal(["w0-t0", "w0-t1"], s.Running.Select(u => u.Ticket));
    }

    [Fact]
    public void A_finished_run_leaves_the_view_and_counts_as_done_before_its_journal_entry_arrives()
    {
        var progress = new SearchProgress(BatchSize, "node-1");
        progress.Journaled(0, 2);
        progress.Progressed(A, 0, 1000, At(0));
        progress.Progressed(A, 1000, 1000, At(10));

        var trained = progress.Snapshot(At(10));
        Assert.Empty(trained.Running);
        Assert.Equal(TimeSpan.FromSeconds(10), trained.Eta);

        progress.Journaled(1, 2);
        Assert.Equal(TimeSpan.FromSeconds(10), progress.Snapshot(At(10)).Eta);
        progress.Journaled(2, 2);
        Assert.Equal(TimeSpan.Zero, progress.Snapshot(At(10)).Eta);
    }

    [Fact]
    public void A_run_stopped_early_by_its_patience_leaves_the_view_and_counts_as_done()
    {
        // A dense baseline of 1000 iterations whose patience ran out at 400: its last report is complete.
        var progress = new SearchProgress(BatchSize, "node-1");
        progress.Journaled(0, 2);
        progress.Progressed(A, 0, 1000, At(0));
        progress.Progressed(A, 400, 1000, At(4), complete: true);

        var trained = progress.Snapshot(At(4));

        Assert.Empty(trained.Running);
        // One run left of 1000 iterations at the 100 iterations/s measured.
        Assert.Equal(TimeSpan.FromSeconds(10), trained.Eta);
    }

    [Fact]
    public void A_restarted_run_starts_its_pace_over_without_counting_its_iterations_twice()
    {
        var progress = new SearchProgress(BatchSize, "node-1");
        progress.Journaled(0, 1);
        progress.Progressed(A, 0, 1000, At(0));
        progress.Progressed(A, 500, 1000, At(10));
        progress.Progressed(A, 0, 1000, At(20));

        var restarted = Assert.Single(progress.Snapshot(At(20)).Running);
        Assert.Null(restarted.Eta);
        Assert.Equal(0.0, restarted.Fraction);

        progress.Progressed(A, 100, 1000, At(30));
        var s = progress.Snapshot(At(30));
        // 600 iterations trained in 30 s (the lost 500 included: they took time), 900 left.
        Assert.Equal(TimeSpan.FromSeconds(900 / 20.0), s.Eta);
        Assert.Equal(TimeSpan.FromSeconds(90), Assert.Single(s.Running).Eta);
    }
}
