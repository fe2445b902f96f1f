using Spectre.Console;
using Spectre.Console.Rendering;

namespace LotteryActors.Cli.Output.Progress;

/// <summary>
/// The live view on a terminal (Spectre.Console): one row per running unit and one overall line, redrawn in place.
/// </summary>
public sealed class LiveProgressView(LiveDisplayContext live) : IProgressView
{
    public void Show(ProgressSnapshot snapshot)
    {
        live.UpdateTarget(Render(snapshot));
        live.Refresh();
    }

    public void Close(ProgressSnapshot last) => Show(last);

    /// <summary>What the view draws; a unit whose pace is not measured yet shows no rate and no ETA.</summary>
    public static IRenderable Render(ProgressSnapshot s)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("ticket", "round", "kind", "node")
            .AddColumn(new TableColumn("%").RightAligned())
            .AddColumn(new TableColumn("examples/s").RightAligned())
            .AddColumn(new TableColumn("ETA").RightAligned());
        foreach (var u in s.Running)
            table.AddRow(u.Ticket, u.Round.ToString(), u.Kind, Markup.Escape(u.Node), $"{u.Fraction * 100:F0}",
                u.ExamplesPerSecond is { } rate ? $"{rate:N0}" : "", u.Eta is { } eta ? IProgressView.Clock(eta) : "");
        if (s.Total == 0)
            return new Rows(table, new Text("reading the journal"));
        var overall = $"{s.Done}/{s.Total} runs done, {s.Running.Count} running";
        if (s.ExamplesPerSecond is { } total)
            overall += $", {total:N0} examples/s";
        if (s.Eta is { } left)
            overall += $", ETA {IProgressView.Clock(left)}";
        return new Rows(table, new Text(overall));
    }
}
