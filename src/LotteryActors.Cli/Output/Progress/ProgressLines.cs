using System.Globalization;

namespace LotteryActors.Cli.Output.Progress;

/// <summary>
/// A followed search where nobody watches a live view (CI, pipes, --json): one line,
/// "id: 5 of 14 runs journaled; running: w0-t0 round 1 ticket 42% 1,234 examples/s on 10.0.0.7:4053, ...; ETA 4:07",
/// written when the runs journaled or the running units change, and otherwise every <paramref name="every"/>, so
/// percentages that move with every poll do not make a line each. A unit shows % and examples/s once its node has
/// measured them, and the line an ETA once one can be estimated.
/// </summary>
public sealed class ProgressLines(string searchId, TextWriter writer, TimeSpan every, TimeProvider clock)
    : IProgressView
{
    private string lastShape = "";
    private DateTimeOffset lastWritten = DateTimeOffset.MinValue;

    public void Show(ProgressSnapshot snapshot)
    {
        var now = clock.GetUtcNow();
        var shape = $"{snapshot.Done}/{snapshot.Total}: " +
                    string.Join(", ", snapshot.Running.Select(u => $"{Label(u)} on {u.Node}"));
        if (shape == lastShape && now - lastWritten < every)
            return;
        (lastShape, lastWritten) = (shape, now);
        writer.WriteLine(Line(searchId, snapshot));
    }

    public static string Line(string searchId, ProgressSnapshot s)
    {
        var line = $"{searchId}: {s.Done} of {s.Total} runs journaled";
        if (s.Running.Count > 0)
            line += "; running: " + string.Join(", ", s.Running.Select(u => $"{Label(u)}{Pace(u)} on {u.Node}"));
        return s.Eta is { } eta ? $"{line}; ETA {IProgressView.Clock(eta)}" : line;
    }

    /// <summary>"w0-t0 round 1 ticket", "w1 init".</summary>
    private static string Label(UnitProgress u) =>
        u.Round is { } round ? $"{u.Ticket} round {round} {u.Kind}" : $"{u.Ticket} {u.Kind}";

    private static string Pace(UnitProgress u) =>
        (u.Fraction is { } done ? $" {(done * 100).ToString("F0", CultureInfo.InvariantCulture)}%" : "") +
        (u.ExamplesPerSecond is { } rate ? $" {rate.ToString("N0", CultureInfo.InvariantCulture)} examples/s" : "");
}
