using LotteryActors.Cli.Report;

namespace LotteryActors.Cli.Tests.Report;

/// <summary>Console rendering of a comparison table: panels that fit the width, key columns in each, notes wrapped.
/// </summary>
public sealed class ReportTableTests
{
    private static readonly string[] Columns = ["id", "kind", .. Enumerable.Range(1, 8).Select(i => $"value-{i}")];

    private static ReportTable Table(int keys) => new("t", "A table", Columns,
        [
            ["a", "ticket", .. Enumerable.Range(1, 8).Select(i => (object?)(i / 10.0))],
            ["b", "random-mask", .. Enumerable.Range(1, 8).Select(i => (object?)(i / 100.0))],
        ],
        "a note that is long enough to need wrapping when the console is narrow, so it is wrapped at spaces", keys);

    private static string[] Render(ReportTable table, int? width)
    {
        using var text = new StringWriter();
        table.WriteText(text, width);
        return text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))
            .ToArray();
    }

    [Fact]
    public void A_narrow_console_gets_panels_that_fit_and_repeat_the_key_columns()
    {
        var lines = Render(Table(keys: 2), width: 50);

        Assert.All(lines, l => Assert.True(l.Length <= 50, l));
        var headers = lines.Where(l => l.Contains("value-")).ToList();
        Assert.True(headers.Count >= 3, string.Join('\n', lines));
        Assert.All(headers, h => Assert.StartsWith("id         kind", h));
        // Every value column is printed once, in order, across the panels.
        var printed = headers.SelectMany(h => h.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2)).ToList();
        Assert.Equal(Columns.Skip(2), printed);
        Assert.Equal(2 * headers.Count, lines.Count(l => l.Contains(" ticket ") || l.Contains(" random-mask ")));
    }

    [Fact]
    public void Wide_output_keeps_every_column_on_one_line_and_the_note_whole()
    {
        var lines = Render(Table(keys: 2), width: null);

        var header = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Columns, header);
        Assert.Equal(4 + 1, lines.Length);
        Assert.StartsWith("a note", lines[^1]);
    }

    [Fact]
    public void A_long_note_is_wrapped_at_spaces()
    {
        var lines = Render(Table(keys: 1), width: 40);
        var note = lines.SkipWhile(l => !l.StartsWith("a note", StringComparison.Ordinal)).ToList();

        Assert.True(note.Count >= 3);
        Assert.All(note, l => Assert.True(l.Length <= 40, l));
        Assert.Equal(Table(1).Note, string.Join(' ', note));
    }
}
