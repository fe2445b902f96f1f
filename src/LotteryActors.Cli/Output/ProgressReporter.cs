using Akka.Actor;
using LotteryActors.Actors.Protocol;
using Serilog;

namespace LotteryActors.Cli.Output;

/// <summary>
/// Follows the trainers' progress on the event stream and logs each run's percentage with an ETA, at most once
/// per run every few seconds, so a person watching the console sees every ticket move.
/// </summary>
public sealed class ProgressReporter : ReceiveActor
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, (DateTime Started, DateTime LastShown)> runs = [];

    public ProgressReporter()
    {
        Receive<TicketMessages.RunProgressed>(Show);
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new ProgressReporter());

    private void Show(TicketMessages.RunProgressed p)
    {
        var key = p.Unit.ToString();
        var now = DateTime.UtcNow;
        if (!runs.TryGetValue(key, out var seen))
            seen = runs[key] = (now, DateTime.MinValue);
        if (now - seen.LastShown < Interval && p.Iteration < p.TotalIterations)
            return;
        runs[key] = (seen.Started, now);
        var fraction = (double)p.Iteration / p.TotalIterations;
        var elapsed = now - seen.Started;
        var eta = fraction > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction) / fraction) : TimeSpan.Zero;
        Log.Information("{Unit}: {Percent,3:F0}% ({Iteration}/{Total} iterations), ETA {Eta:mm\\:ss}",
            key, fraction * 100, p.Iteration, p.TotalIterations, eta);
    }
}
