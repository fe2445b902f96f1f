using LotteryActors.Cli.Output.Progress;
using Spectre.Console;

namespace LotteryActors.Cli.Tests.Output.Progress;

/// <summary>What the live view draws for a snapshot, rendered by Spectre.Console to plain text.</summary>
public sealed class ProgressViewTests
{
    private static string Draw(ProgressSnapshot snapshot)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 120;
        console.Write(LiveProgressView.Render(snapshot));
        return text.ToString();
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void One_row_per_running_unit_and_one_overall_line()
    {
        var drawn = Draw(new ProgressSnapshot(3, 26,
        [
            new UnitProgress("w0-t0", 2, "ticket", "node-1", 0.42, 4321, TimeSpan.FromSeconds(75)),
            new UnitProgress("w0-t1", 1, "random-mask", "node-1", 0.05, null, null),
        ], 8000, TimeSpan.FromSeconds(3725)));

        var lines = drawn.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.Length > 0).ToList();
        Assert.Equal(["ticket", "round", "kind", "node", "%", "examples/s", "ETA"], Words(lines[0]));
        Assert.Contains(lines, l => Words(l).SequenceEqual(["w0-t0", "2", "ticket", "node-1", "42", "4,321", "1:15"]));
        Assert.Contains(lines, l => Words(l).SequenceEqual(["w0-t1", "1", "random-mask", "node-1", "5"]));
        Assert.Equal("3/26 runs done, 2 running, 8,000 examples/s, ETA 1:02:05", lines[^1]);
    }

    [Fact]
    public void No_ETA_is_drawn_until_one_is_estimated()
    {
        var lines = Draw(new ProgressSnapshot(0, 26, [], null, null)).Split('\n', StringSplitOptions.TrimEntries);

        Assert.Contains("0/26 runs done, 0 running", lines);
        Assert.DoesNotContain("ETA", lines[^2] + lines[^1]);
    }
}
