using Serilog.Events;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace LotteryActors.Cli.Output.Progress;

/// <summary>
/// The live view on a terminal (Spectre.Console): one row per running unit and one overall line, redrawn in place.
/// </summary>
public sealed class LiveProgressView(LiveDisplayContext live) : IProgressView
{
    /// <summary>Where a live view can be drawn: stderr is a terminal and stdout is not JSON for a script.</summary>
    public static bool Possible(bool json) => !json && !Console.IsErrorRedirected;

    /// <summary>
    /// Runs <paramref name="follow"/> under a live view on stderr, first drawing <paramref name="first"/>. The console
    /// log shows only warnings meanwhile: the view is where the news is, and lines would tear it.
    /// </summary>
    public static async Task<T> RunAsync<T>(ProgressSnapshot first, Func<IProgressView, Task<T>> follow)
    {
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var consoleLevel = Logging.ConsoleLevel.MinimumLevel;
        Logging.ConsoleLevel.MinimumLevel = LogEventLevel.Warning;
        try
        {
            return await terminal.Live(Render(first)).StartAsync(live => follow(new LiveProgressView(live)));
        }
        finally
        {
            Logging.ConsoleLevel.MinimumLevel = consoleLevel;
        }
    }

    public void Show(ProgressSnapshot snapshot)
    {
        live.UpdateTarget(Render(snapshot));
        live.Refresh();
    }

    public void Close(ProgressSnapshot last) => Show(last);

    /// <summary>What the view draws; a unit whose pace is not measured yet shows no rate and no ETA, one whose
    /// iterations are unknown (a cluster unit its node has not reported yet, an init draw) no percentage.</summary>
    public static IRenderable Render(ProgressSnapshot s)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("ticket", "round", "kind", "node")
            .AddColumn(new TableColumn("%").RightAligned())
            .AddColumn(new TableColumn("examples/s").RightAligned())
            .AddColumn(new TableColumn("ETA").RightAligned());
        foreach (var u in s.Running)
            table.AddRow(u.Ticket, u.Round?.ToString() ?? "", u.Kind, Markup.Escape(u.Node),
                u.Fraction is { } done ? $"{done * 100:F0}" : "", u.ExamplesPerSecond is { } rate ? $"{rate:N0}" : "",
                u.Eta is { } eta ? IProgressView.Clock(eta) : "");
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
