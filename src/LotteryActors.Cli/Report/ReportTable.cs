using System.Globalization;

namespace LotteryActors.Cli.Report;

/// <summary>
/// One table of the comparison, defined once and rendered three ways: aligned text on the console, HTML in the
/// report, CSV for analysis elsewhere (full precision there, 4 decimals on screen). On the console a table wider
/// than the terminal is split into panels of columns, each repeating the first <see cref="Keys"/> columns that
/// say which row is which, and the note is wrapped: a wrapped 250-character row is noise.
/// </summary>
public sealed record ReportTable(string Name, string Title, IReadOnlyList<string> Columns,
    IReadOnlyList<object?[]> Rows, string? Note = null, int Keys = 1)
{
    /// <summary>The console width every table fits unless asked for all columns on one line.</summary>
    public const int ConsoleWidth = 120;

    private const string Gap = "  ";

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

    /// <param name="maxWidth">Columns of the console; null prints every column on one line (<c>--wide</c>).</param>
    public void WriteText(TextWriter output, int? maxWidth = ConsoleWidth)
    {
        var cells = Rows.Select(r => r.Select(Display).ToArray()).ToList();
        var widths = Columns
            .Select((c, i) => Math.Max(c.Length, cells.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        output.WriteLine(Title);
        var panels = Panels(widths, maxWidth ?? int.MaxValue);
        for (var p = 0; p < panels.Count; p++)
        {
            if (p > 0)
                output.WriteLine();
            var columns = panels[p];
            output.WriteLine(string.Join(Gap, columns.Select(i => Columns[i].PadLeft(widths[i]))));
            foreach (var row in cells)
                output.WriteLine(string.Join(Gap, columns.Select(i => row[i].PadLeft(widths[i]))));
        }
        if (Note is not null)
            foreach (var line in Wrap(Note, maxWidth ?? int.MaxValue))
                output.WriteLine(line);
        output.WriteLine();
    }

    /// <summary>
    /// Column indices per panel: the key columns, then as many further columns as fit. A column too wide to fit
    /// beside the keys still gets a panel of its own rather than being dropped.
    /// </summary>
    private List<int[]> Panels(int[] widths, int maxWidth)
    {
        var keys = Enumerable.Range(0, Math.Min(Keys, Columns.Count)).ToArray();
        var keysWidth = keys.Sum(i => widths[i] + Gap.Length);
        var panels = new List<int[]>();
        var current = new List<int>();
        var width = keysWidth;
        for (var i = keys.Length; i < Columns.Count; i++)
        {
            if (current.Count > 0 && width + widths[i] > maxWidth)
            {
                panels.Add([.. keys, .. current]);
                (current, width) = ([], keysWidth);
            }
            current.Add(i);
            width += widths[i] + Gap.Length;
        }
        panels.Add([.. keys, .. current]);
        return panels;
    }

    private static IEnumerable<string> Wrap(string text, int maxWidth)
    {
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > maxWidth)
            {
                yield return line;
                line = "";
            }
            line = line.Length == 0 ? word : $"{line} {word}";
        }
        if (line.Length > 0)
            yield return line;
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
