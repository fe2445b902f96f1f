using System.Globalization;

namespace LotteryActors.Cli.Report;

/// <summary>
/// One table of the comparison, defined once and rendered three ways: aligned text on the console, HTML in the
/// report, CSV for analysis elsewhere (full precision there, 4 decimals on screen).
/// </summary>
public sealed record ReportTable(string Name, string Title, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, string? Note = null)
{
    public static string Display(object? cell) => cell switch
    {
        null => "",
        double d when double.IsNaN(d) => "-",
        double d => d.ToString("F4", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    public static string Raw(object? cell) => cell switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    public void WriteText(TextWriter output)
    {
        var cells = Rows.Select(r => r.Select(Display).ToArray()).ToList();
        var widths = Columns.Select((c, i) => Math.Max(c.Length, cells.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        output.WriteLine(Title);
        output.WriteLine(string.Join("  ", Columns.Select((c, i) => c.PadLeft(widths[i]))));
        foreach (var row in cells)
            output.WriteLine(string.Join("  ", row.Select((c, i) => c.PadLeft(widths[i]))));
        if (Note is not null)
            output.WriteLine(Note);
        output.WriteLine();
    }

    public void WriteCsv(TextWriter output)
    {
        output.WriteLine(string.Join(',', Columns.Select(Quote)));
        foreach (var row in Rows)
            output.WriteLine(string.Join(',', row.Select(c => Quote(Raw(c)))));
    }

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
