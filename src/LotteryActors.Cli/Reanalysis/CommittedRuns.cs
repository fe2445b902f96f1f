using System.Text.Json;
using LotteryActors.Training.Analysis;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Reanalysis;

/// <summary>
/// The runs of a committed result document, for re-analysis without the journal it came from: a search's
/// <c>search --json</c> output (every run, at either selection) or a <c>compare --json</c> document (the curves' per-run
/// test accuracies of final weights, and the within-init ticket ensembles).
/// </summary>
public sealed record CommittedRuns(string Name, RunSelection Selection, IReadOnlyList<HeadlineRun> Runs,
    IReadOnlyList<HeadlineInput> Ensembles)
{
    public static IReadOnlyList<CommittedRuns> Read(string path, RunSelection selection)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (root.TryGetProperty("searches", out var searches))
            return searches.EnumerateArray().Select(FromAnalysis).ToList();
        if (root.TryGetProperty("tickets", out _))
            return [FromSearch(root, selection)];
        throw new SpecException(path, "is neither a compare --json nor a search --json document");
    }

    /// <summary>A search's own output: each run with its ticket, init and both test accuracies.</summary>
    private static CommittedRuns FromSearch(JsonElement search, RunSelection selection)
    {
        var widths = search.GetProperty("spec").GetProperty("model").GetProperty("widths").EnumerateArray()
            .Select(w => w.GetDouble()).ToList();
        var field = selection == RunSelection.EarlyStopped ? "testAccuracyAtEarlyStop" : "testAccuracy";
        var runs = search.GetProperty("tickets").EnumerateArray().SelectMany(ticket =>
        {
            var (width, index) = TicketName(ticket.GetProperty("ticket").GetString()!);
            var init = ticket.GetProperty("init").GetInt32();
            return ticket.GetProperty("runs").EnumerateArray().Select(run => new HeadlineRun(width, widths[width], init,
                index, Kind(run.GetProperty("kind").GetString()!), run.GetProperty("round").GetInt32(),
                run.GetProperty("density").GetDouble(), run.GetProperty(field).GetDouble()));
        }).ToList();
        return new CommittedRuns(search.GetProperty("searchId").GetString()!, selection, runs, []);
    }

    /// <summary>
    /// A comparison document: curve values are ordered by ticket index, and tickets T i .. T (i + 1) - 1 belong to
    /// init i, T = the width's round-0 tickets over its inits (one dense baseline per init; none: one init). Curves
    /// hold final weights only, so the selection is always final weights.
    /// </summary>
    private static CommittedRuns FromAnalysis(JsonElement analysis)
    {
        var curves = analysis.GetProperty("curves").EnumerateArray().ToList();
        var runs = new List<HeadlineRun>();
        foreach (var width in curves.GroupBy(c => c.GetProperty("widthIndex").GetInt32()))
        {
            var values = width.ToDictionary(
                c => (Kind(c.GetProperty("kind").GetString()!), c.GetProperty("round").GetInt32()),
                c => (Density: c.GetProperty("density").GetDouble(), Width: c.GetProperty("width").GetDouble(),
                    Values: c.GetProperty("testAccuracy").GetProperty("values").EnumerateArray()
                        .Select(v => v.GetDouble()).ToList()));
            var inits = values.TryGetValue((RunKind.DenseBaseline, 0), out var dense) ? dense.Values.Count : 1;
            var perInit = values[(RunKind.Ticket, 0)].Values.Count / inits;
            foreach (var ((kind, round), curve) in values)
                runs.AddRange(curve.Values.Select((test, i) => kind == RunKind.DenseBaseline
                    ? new HeadlineRun(width.Key, curve.Width, i, i * perInit, kind, round, curve.Density, test)
                    : new HeadlineRun(width.Key, curve.Width, i / perInit, i, kind, round, curve.Density, test)));
        }
        return new CommittedRuns(analysis.GetProperty("searchId").GetString()!, RunSelection.FinalWeights, runs,
            TicketEnsembles(analysis, runs));
    }

    /// <summary>Per width and round, each init's within-init ticket ensemble (logit average) minus its dense net.</summary>
    private static IReadOnlyList<HeadlineInput> TicketEnsembles(JsonElement analysis,
        IReadOnlyList<HeadlineRun> runs) =>
        analysis.GetProperty("ensembles").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == SpecNames.Of(RunKind.Ticket)
                        && e.GetProperty("init").ValueKind == JsonValueKind.Number)
            .Select(e => (Width: e.GetProperty("widthIndex").GetInt32(), Round: e.GetProperty("round").GetInt32(),
                Init: e.GetProperty("init").GetInt32(), WidthValue: e.GetProperty("width").GetDouble(),
                Density: e.GetProperty("density").GetDouble(),
                Accuracy: e.GetProperty("methods").EnumerateArray()
                    .Single(m => m.GetProperty("method").GetString() == SearchAnalyzer.LogitAverage)
                    .GetProperty("testAccuracy").GetDouble()))
            .Where(e => runs.Any(r => r.Kind == RunKind.DenseBaseline && r.WidthIndex == e.Width && r.Init == e.Init))
            .GroupBy(e => (e.Width, e.Round))
            .Select(g => new HeadlineInput(HeadlineFamily.EnsembleMinusDense, false, g.Key.Width, g.First().WidthValue,
                g.Key.Round, g.Average(e => e.Density), g.OrderBy(e => e.Init).Select(e => (IReadOnlyList<double>)
                [e.Accuracy - runs.Single(r => r.Kind == RunKind.DenseBaseline && r.WidthIndex == e.Width
                                                && r.Init == e.Init).TestAccuracy]).ToList()))
            .ToList();

    private static RunKind Kind(string name) => SpecNames.TryParse<RunKind>(name, out var kind)
        ? kind
        : throw new SpecException("kind", $"is '{name}'; allowed: {string.Join(", ", SpecNames.All<RunKind>())}");

    /// <summary>"w1-t7" is ticket 7 of width index 1.</summary>
    private static (int Width, int Index) TicketName(string name)
    {
        var parts = name.Split('-');
        return (int.Parse(parts[0][1..], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(parts[1][1..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
