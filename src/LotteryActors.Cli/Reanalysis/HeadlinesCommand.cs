using System.CommandLine;
using LotteryActors.Cli.Commands;
using LotteryActors.Cli.Output;
using LotteryActors.Cli.Report;
using LotteryActors.Training.Analysis;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Reanalysis;

/// <summary>
/// <c>headlines</c> tests the headline family (see <see cref="HeadlineFamily"/>) of committed result documents,
/// without the journal or the artifacts they came from: how docs/results is re-analysed when the rules change.
/// </summary>
public static class HeadlinesCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("file")
        {
            Description = "compare --json (analysis.json) or search --json (search.json) documents",
            Arity = ArgumentArity.OneOrMore,
        };
        var density = new Option<double>("--density")
        {
            Description = "The headline density: per width, the pruned round nearest it is tested",
            DefaultValueFactory = _ => new CensusCriteria().TargetDensity,
        };
        var margin = new Option<double>("--margin")
        {
            Description = "The equivalence margin of the TOST against the dense net, in accuracy",
            DefaultValueFactory = _ => AnalysisOptions.DefaultMargin,
        };
        var selection = new Option<string>("--selection")
        {
            Description = "search.json only: early-stopped or final-weights (analysis.json holds final weights only)",
            DefaultValueFactory = _ => SpecNames.Of(RunSelection.EarlyStopped),
        };
        var json = CommonOptions.Json();
        var command = new Command("headlines", "Test the headline family of committed result documents")
        {
            files, density, margin, selection, json,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var (target, m) = (parse.GetValue(density), parse.GetValue(margin));
            if (target is <= 0 or > 1)
                throw new SpecException("--density", $"is {target}; allowed: (0, 1]");
            if (m is <= 0 or >= 1)
                throw new SpecException("--margin", $"is {m}; allowed: (0, 1)");
            if (!SpecNames.TryParse<RunSelection>(parse.GetValue(selection)!, out var rule))
                throw new SpecException("--selection", $"is {parse.GetValue(selection)}; allowed: " +
                                                       string.Join(", ", SpecNames.All<RunSelection>()));
            var documents = parse.GetValue(files)!.SelectMany(f => f.Exists
                ? CommittedRuns.Read(f.FullName, rule)
                : throw new SpecException(f.FullName, "does not exist")).ToList();
            var results = documents.Select(d => (d.Name, d.Selection, Rows: Test(d, target, m))).ToList();
            if (parse.GetValue(json))
                JsonOutput.Write(new { headlines = results.Select(r => new { search = r.Name, r.Selection, r.Rows }) });
            else
                foreach (var (name, rowsSelection, rows) in results)
                {
                    Results.Out.WriteLine($"{name}");
                    HeadlineTable.Build(rows, rowsSelection, m).WriteText(Results.Out, ReportTable.ConsoleWidth);
                }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The family of one document: its runs' members plus, per width, its ensembles at the headline round.</summary>
    private static IReadOnlyList<HeadlineRow> Test(CommittedRuns document, double density, double margin)
    {
        var family = HeadlineFamily.FromRuns(document.Runs, density).ToList();
        foreach (var width in document.Runs.GroupBy(r => r.WidthIndex))
        {
            var round = HeadlineFamily.HeadlineRound(width, density);
            family.AddRange(document.Ensembles.Where(e => e.WidthIndex == width.Key && e.Round == round));
        }
        return HeadlineFamily.Test(family.OrderBy(f => f.WidthIndex).ToList(), margin);
    }
}
