using LotteryActors.Training.Analysis;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using ScottPlot;

namespace LotteryActors.Cli.Report;

/// <summary>
/// The report's figures, each saved as PNG (for the page) and SVG (for papers). Density runs on a log axis from
/// dense at the left to sparse at the right, as in Frankle &amp; Carbin's plots.
/// </summary>
public static class ReportPlots
{
    private const int Width = 900;
    private const int Height = 520;

    /// <summary>Test accuracy against density for every width and kind; several searches share one figure.</summary>
    public static void AccuracyVsDensity(IReadOnlyList<SearchAnalysis> analyses, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var series = 0;
        foreach (var a in analyses)
        foreach (var group in a.Curves.GroupBy(c => (c.Width, c.Kind)))
        {
            var points = group.OrderBy(c => c.Round).ToList();
            var xs = points.Select(c => Math.Log10(100 * c.Density)).ToArray();
            var ys = points.Select(c => c.TestAccuracy.Mean).ToArray();
            var line = plot.Add.Scatter(xs, ys, palette.GetColor(series++ % 10));
            line.LegendText = $"{(analyses.Count > 1 ? a.Name + " " : "")}w={group.Key.Width:G3} {SpecNames.Of(group.Key.Kind)}";
            (line.LinePattern, line.MarkerShape) = group.Key.Kind switch
            {
                RunKind.Ticket => (LinePattern.Solid, MarkerShape.FilledCircle),
                RunKind.RandomReinit => (LinePattern.Dashed, MarkerShape.FilledTriangleUp),
                _ => (LinePattern.Dotted, MarkerShape.FilledSquare),
            };
            var errors = points.Select(c => double.IsNaN(c.TestAccuracy.StandardDeviation) ? 0 : c.TestAccuracy.StandardDeviation).ToArray();
            var bars = plot.Add.ErrorBar(xs, ys, errors);
            bars.Color = line.Color;
        }
        DensityAxis(plot, analyses.SelectMany(a => a.Curves).Select(c => c.Density));
        plot.YLabel("test accuracy");
        plot.Title("Accuracy against density: tickets (solid, circles), random re-init (dashed, triangles), " +
                   "random mask (dotted, squares)");
        Save(plot, path);
    }

    /// <summary>Test accuracy of the best k-member ensemble for k = 1..K, per width, at the dense and the sparsest round.</summary>
    public static void EnsembleGainVsSize(SearchAnalysis a, string path)
    {
        var plot = new Plot();
        foreach (var curve in a.SizeCurves.GroupBy(s => s.Width).SelectMany(w => new[] { w.MinBy(s => s.Round)!, w.MaxBy(s => s.Round)! }).Distinct())
        {
            var line = plot.Add.Scatter(curve.Steps.Select(s => (double)s.Size).ToArray(), curve.Steps.Select(s => s.TestAccuracy).ToArray());
            line.LegendText = $"w={curve.Width:G3} density {curve.Density:F3}";
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.XLabel("ensemble size k (members chosen greedily on validation)");
        plot.YLabel("test accuracy of the logit average");
        plot.Title($"{a.Name}: ensemble accuracy against size");
        Save(plot, path);
    }

    /// <summary>
    /// Pairwise mask Jaccard of one init's tickets at one round, titled with the chance overlap d / (2 - d) of two
    /// random masks at its density, the floor every cell is read against: the colour scale runs from it to identity.
    /// </summary>
    public static void MaskOverlap(DiversityRow row, string path)
    {
        var plot = new Plot();
        var n = row.Jaccard.Length;
        var matrix = new double[n, n];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++)
            matrix[i, j] = row.Jaccard[i][j];
        var heatmap = plot.Add.Heatmap(matrix);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(row.ChanceJaccardAtDensity, 1);
        plot.Add.ColorBar(heatmap);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.XLabel($"ticket of init {row.Init}");
        plot.YLabel($"ticket of init {row.Init}");
        plot.Title($"w={row.Width:G3} init {row.Init}, d={row.Density:F3}: Jaccard " +
                   $"(chance d/(2-d) {row.ChanceJaccardAtDensity:F3})");
        Save(plot, path, 620, 520);
    }

    /// <summary>
    /// At each width's headline round: candidate tickets, winners and distinct winners with their 95% intervals, and
    /// the winners among each kind of control at the same density. Widths whose epsilon is undefined are left out.
    /// </summary>
    public static void Census(IReadOnlyList<SearchAnalysis> analyses, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var position = 0.0;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var headlines = analyses
            .SelectMany(a => a.Census.Where(c => c.Headline && c.Judged).Select(c => (a, c))).ToList();
        var controls = headlines.SelectMany(h => h.c.Controls.Select(k => k.Kind)).Distinct().Order().ToList();
        var labels = new[] { "tickets", "winners", "distinct winners" }
            .Concat(controls.Select(k => $"{SpecNames.Of(k)} winners")).ToList();
        foreach (var (a, c) in headlines)
        {
            var bars = new List<(double Value, CountInterval? Interval)>
            {
                (c.Candidates, null), (c.Winners.Count, c.Winners), (c.Distinct.Count, c.Distinct),
            };
            bars.AddRange(controls.Select(k =>
                ((double)(c.Controls.FirstOrDefault(x => x.Kind == k)?.Winners ?? 0), (CountInterval?)null)));
            for (var k = 0; k < bars.Count; k++)
            {
                var (value, interval) = bars[k];
                plot.Add.Bar(new Bar { Position = position + k, Value = value, FillColor = palette.GetColor(k) });
                if (interval is not { } i || double.IsNaN(i.Lower))
                    continue;
                // A Wilson interval is asymmetric, so the error bar gets its two arms separately.
                var error = plot.Add.ErrorBar([position + k], [value], [0.0]);
                (error.YErrorNegative, error.YErrorPositive) = ([value - i.Lower], [i.Upper - value]);
                error.Color = Colors.Black;
            }
            ticks.AddMajor(position + (bars.Count - 1) / 2.0,
                $"{(analyses.Count > 1 ? a.Name + " " : "")}w={c.Width:G3} d={c.Density:F3}");
            position += bars.Count + 1;
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        var most = headlines.Select(h => h.c.Candidates).DefaultIfEmpty(0).Max();
        // Head room above the tallest bar for the legend, which would otherwise cover the bars of the first width.
        plot.Axes.SetLimitsY(0, Math.Max(1, most) * 1.6);
        plot.YLabel("tickets");
        plot.Title("Census at each width's headline round (95% Wilson intervals)");
        plot.Legend.IsVisible = true;
        plot.Legend.ManualItems.AddRange(labels.Select((label, k) =>
            new LegendItem { LabelText = label, FillColor = palette.GetColor(k) }));
        Save(plot, path, legend: Alignment.UpperRight);
    }

    /// <summary>Ticks at the densities the runs trained at, skipping any too close to the previous one to read.</summary>
    private static void DensityAxis(Plot plot, IEnumerable<double> densities)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var positions = densities.Select(d => Math.Log10(100 * d)).OrderDescending().ToList();
        var last = double.PositiveInfinity;
        foreach (var position in positions)
        {
            if (last - position < 0.04)
                continue;
            ticks.AddMajor(position, $"{Math.Pow(10, position):G3}%");
            last = position;
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        var lowest = densities.DefaultIfEmpty(1).Min();
        plot.Axes.SetLimitsX(Math.Log10(100) + 0.05, Math.Log10(100 * lowest) - 0.05);
        plot.XLabel("weights remaining (log scale)");
    }

    private static void Save(Plot plot, string path, int width = Width, int height = Height,
        Alignment legend = Alignment.LowerLeft)
    {
        if (plot.GetPlottables().Count() > 1)
            plot.ShowLegend(legend);
        plot.SavePng(path + ".png", width, height);
        // Skia's SVG device cannot write dash patterns: it draws them solid and prints "Unsupported path effect"
        // to the process's stderr for each. The SVG draws them solid on purpose; the markers still tell kinds apart.
        foreach (var scatter in plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>())
            scatter.LinePattern = LinePattern.Solid;
        plot.SaveSvg(path + ".svg", width, height);
    }
}
