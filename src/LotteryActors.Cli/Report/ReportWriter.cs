using System.Net;
using System.Text;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Analysis;

namespace LotteryActors.Cli.Report;

/// <summary>
/// Writes report.html (tables and figures), the figures as PNG and SVG, every table as CSV and all numbers as
/// analysis.json. Several searches go side by side: shared figures overlay them, tables follow per search.
/// </summary>
public static class ReportWriter
{
    public static void Write(IReadOnlyList<SearchAnalysis> analyses, string folder)
    {
        Directory.CreateDirectory(folder);
        var html = new StringBuilder();
        html.AppendLine("<!doctype html><html><head><meta charset=\"utf-8\"><title>LotteryActors report</title><style>")
            .AppendLine("body{font-family:sans-serif;margin:2em;max-width:1400px} table{border-collapse:collapse;margin:1em 0;font-size:12px}")
            .AppendLine("td,th{border:1px solid #ccc;padding:2px 6px;text-align:right} th{background:#f0f0f0} caption{text-align:left;font-weight:bold}")
            .AppendLine("p.note{font-size:12px;color:#555;max-width:1100px} img{max-width:100%;border:1px solid #eee;margin:0.5em 0}")
            .AppendLine("</style></head><body>");
        html.AppendLine($"<h1>LotteryActors report: {Encode(string.Join(" vs ", analyses.Select(a => a.Name)))}</h1>");
        html.AppendLine($"<p>Searches: {Encode(string.Join(", ", analyses.Select(a => $"{a.Name} ({a.SearchId})")))}. " +
                        "All choices (selected member, greedy ensembles, pooling coefficients) were made on the validation split; " +
                        "every accuracy below is on the test split.</p>");

        ReportPlots.AccuracyVsDensity(analyses, Path.Combine(folder, "accuracy-vs-density"));
        Figure(html, "accuracy-vs-density", "Accuracy against density");
        ReportPlots.Census(analyses, Path.Combine(folder, "census"));
        Figure(html, "census", "Ticket census per width");

        foreach (var a in analyses)
        {
            var prefix = analyses.Count > 1 ? $"{a.SearchId}-" : "";
            html.AppendLine($"<h2>{Encode(a.Name)} <small>({a.SearchId})</small></h2>");
            ReportPlots.EnsembleGainVsSize(a, Path.Combine(folder, prefix + "ensemble-size"));
            Figure(html, prefix + "ensemble-size", "Ensemble accuracy against size");
            // Every init of every width, at the round the census headlines (nearest its target density).
            var target = a.Options.Census.TargetDensity;
            foreach (var row in a.Diversity.GroupBy(d => (d.Width, d.Init))
                         .Select(i => i.MinBy(d => Math.Abs(d.Density - target))!))
            {
                var name = $"{prefix}mask-overlap-w{row.Width:G3}-i{row.Init}";
                ReportPlots.MaskOverlap(row, Path.Combine(folder, name));
                Figure(html, name, $"Mask overlap, width {row.Width:G3}, init {row.Init}");
            }
            foreach (var table in ComparisonTables.Build(a))
            {
                Table(html, table);
                using var csv = new StreamWriter(Path.Combine(folder, $"{prefix}{table.Name}.csv"));
                table.WriteCsv(csv);
            }
        }
        html.AppendLine("</body></html>");
        File.WriteAllText(Path.Combine(folder, "report.html"), html.ToString());
        using var json = new StreamWriter(Path.Combine(folder, "analysis.json"));
        JsonOutput.Write(new { searches = analyses }, json);
    }

    private static void Figure(StringBuilder html, string name, string alt) =>
        html.AppendLine($"<p><img src=\"{name}.png\" alt=\"{Encode(alt)}\"> <a href=\"{name}.svg\">SVG</a></p>");

    private static void Table(StringBuilder html, ReportTable table)
    {
        html.AppendLine($"<table><caption>{Encode(table.Title)}</caption><tr>");
        foreach (var column in table.Columns)
            html.Append($"<th>{Encode(column)}</th>");
        html.AppendLine("</tr>");
        foreach (var row in table.Rows)
            html.AppendLine("<tr>" + string.Concat(row.Select(c => $"<td>{Encode(ReportTable.Display(c))}</td>")) + "</tr>");
        html.AppendLine("</table>");
        if (table.Note is not null)
            html.AppendLine($"<p class=\"note\">{Encode(table.Note)}</p>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
