using Akka.Actor;
using LotteryActors.Actors.Protocol;

namespace LotteryActors.Cli.Output.Progress;

/// <summary>
/// Follows a search on the event stream (trainers' progress, the coordinator's journaled count) into a
/// <see cref="SearchProgress"/>, and shows it on a timer: the arithmetic is there, the drawing in the view.
/// </summary>
public sealed class ProgressReporter : ReceiveActor, IWithTimers
{
    private readonly SearchProgress progress;
    private readonly IProgressView view;
    private readonly TimeSpan every;
    private readonly TimeProvider clock;

    public ProgressReporter(string searchId, SearchProgress progress, IProgressView view, TimeSpan every,
        TimeProvider clock)
    {
        this.progress = progress;
        this.view = view;
        this.every = every;
        this.clock = clock;
        Receive<ProgressMessages.RunProgressed>(p =>
            progress.Progressed(p.Unit, p.Iteration, p.TotalIterations, clock.GetUtcNow(), p.Complete));
        Receive<ProgressMessages.RunsJournaled>(j => j.SearchId == searchId, j => progress.Journaled(j.Done, j.Total));
        Receive<Tick>(_ => view.Show(progress.Snapshot(clock.GetUtcNow())));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string searchId, SearchProgress progress, IProgressView view, TimeSpan every) =>
        Akka.Actor.Props.Create(() => new ProgressReporter(searchId, progress, view, every, TimeProvider.System));

    /// <summary>Everything a reporter follows on the event stream.</summary>
    public static readonly IReadOnlyList<Type> Follows =
        [typeof(ProgressMessages.RunProgressed), typeof(ProgressMessages.RunsJournaled)];

    protected override void PreStart() => Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, every);

    protected override void PostStop() => view.Close(progress.Snapshot(clock.GetUtcNow()));

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}
