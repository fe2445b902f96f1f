using LotteryActors.Cli.Output.Progress;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cli.Tests.Output.Progress;

/// <summary>
/// <c>submit --wait</c>'s view of a cluster search: the coordinator's answer as the single-node snapshot, and the
/// line printed where stderr is no terminal (when it is printed, and an ETA only once one can be estimated).
/// </summary>
public sealed class ClusterProgressTests
{
    private const int BatchSize = 60;
    private const string Seven = "akka.tcp://lottery@10.0.0.7:4053#11";
    private const string Eight = "akka.tcp://lottery@10.0.0.8:4053#12";

    private static WorkItem Run(int ticket, int round, RunKind kind) =>
        WorkItem.Train(new WorkUnit(new TicketId(0, ticket), round, kind, "start", "mask"));

    /// <summary>One run measured (300 of 1000 iterations at 600 examples/s, so 10 iterations/s), one not reported
    /// yet, and an init draw; 2 of 10 runs journaled.</summary>
    private static WorkMessages.SearchProgress Answer(double? rate = 600) => new("s1", Known: true, Done: 2, Total: 10,
        Finished: false,
        [
            new RunningWork(Seven, Run(1, 2, RunKind.RandomMask), new TrainingProgress(300, 1000, rate)),
            new RunningWork(Eight, Run(0, 1, RunKind.Ticket), Progress: null),
            new RunningWork(Eight, WorkItem.Init(1), Progress: null),
        ]);

    [Fact]
    public void Each_unit_shows_its_nodes_iterations_and_rate_and_the_overall_eta_is_the_work_left_at_their_sum()
    {
        var s = ClusterProgress.Snapshot(Answer(), BatchSize);

        Assert.Equal((2, 10), (s.Done, s.Total));
        Assert.Equal(
        [
            new UnitProgress("w0-t1", 2, "random-mask", "10.0.0.7:4053", 0.3, 600, TimeSpan.FromSeconds(70)),
            new UnitProgress("w0-t0", 1, "ticket", "10.0.0.8:4053", null, null, null),
            new UnitProgress("w1", null, "init", "10.0.0.8:4053", null, null, null),
        ], s.Running);
        Assert.Equal(600, s.ExamplesPerSecond);
        // 8 runs of 1000 iterations left, less the 300 done, at 10 iterations/s.
        Assert.Equal(TimeSpan.FromSeconds(770), s.Eta);
    }

    [Fact]
    public void Nothing_is_estimated_before_a_node_has_measured_a_rate()
    {
        var s = ClusterProgress.Snapshot(Answer(rate: null), BatchSize);

        Assert.Null(s.ExamplesPerSecond);
        Assert.Null(s.Eta);
        Assert.Equal(0.3, s.Running[0].Fraction);
        Assert.Null(s.Running[0].Eta);
        Assert.Null(ClusterProgress.Snapshot(Answer() with { Running = [] }, BatchSize).Eta);
    }

    [Fact]
    public void The_line_gives_each_units_percent_and_rate_where_known_and_an_eta_only_once_estimated()
    {
        Assert.Equal("s1: 2 of 10 runs journaled; running: w0-t1 round 2 random-mask 30% 600 examples/s on " +
                     "10.0.0.7:4053, w0-t0 round 1 ticket on 10.0.0.8:4053, w1 init on 10.0.0.8:4053; ETA 12:50",
            ProgressLines.Line("s1", ClusterProgress.Snapshot(Answer(), BatchSize)));
        Assert.Equal("s1: 2 of 10 runs journaled; running: w0-t1 round 2 random-mask 30% on 10.0.0.7:4053, " +
                     "w0-t0 round 1 ticket on 10.0.0.8:4053, w1 init on 10.0.0.8:4053",
            ProgressLines.Line("s1", ClusterProgress.Snapshot(Answer(rate: null), BatchSize)));
    }

    [Fact]
    public void A_line_is_written_when_runs_or_units_change_and_otherwise_only_every_interval()
    {
        var clock = new SteppedClock();
        var text = new StringWriter();
        var lines = new ProgressLines("s1", text, TimeSpan.FromSeconds(30), clock);
        WorkMessages.SearchProgress At(int iteration) => Answer() with
        {
            Running = [new RunningWork(Seven, Run(1, 2, RunKind.RandomMask), new(iteration, 1000, 600))],
        };

        lines.Show(ClusterProgress.Snapshot(At(300), BatchSize));
        clock.Now += TimeSpan.FromSeconds(10);
        lines.Show(ClusterProgress.Snapshot(At(400), BatchSize));
        clock.Now += TimeSpan.FromSeconds(10);
        lines.Show(ClusterProgress.Snapshot(At(500) with { Done = 3 }, BatchSize));
        clock.Now += TimeSpan.FromSeconds(29);
        lines.Show(ClusterProgress.Snapshot(At(790) with { Done = 3 }, BatchSize));
        clock.Now += TimeSpan.FromSeconds(1);
        lines.Show(ClusterProgress.Snapshot(At(800) with { Done = 3 }, BatchSize));

        var written = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, written.Length);
        Assert.Contains("2 of 10 runs journaled; running: w0-t1 round 2 random-mask 30% ", written[0]);
        Assert.Contains("3 of 10 runs journaled; running: w0-t1 round 2 random-mask 50% ", written[1]);
        Assert.Contains("3 of 10 runs journaled; running: w0-t1 round 2 random-mask 80% ", written[2]);
    }

    private sealed class SteppedClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
