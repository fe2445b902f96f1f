using System.CommandLine;
using LotteryActors.Cli.Output;
using LotteryActors.Cli.Report;
using LotteryActors.Training.Analysis;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>compare</c> prints the ensemble comparison of one or more searches; <c>report</c> writes it as an HTML page
/// with plots (PNG and SVG), CSV and JSON.
/// </summary>
public static class CompareCommand
{
    public static Command Compare()
    {
        var (ids, config, epsilon, density, sameTicket, selection, margin) = CommonArguments();
        var json = CommonOptions.Json();
        var wide = new Option<bool>("--wide")
        {
            Description = "Print every column of a table on one line; by default tables are split to fit 120 columns",
        };
        var command = new Command("compare", "Compare tickets, controls, ensembles and baselines of searches")
        {
            ids, config, json, wide, epsilon, density, sameTicket, selection, margin,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config));
            var analyses = await AnalysisLoader.AnalyzeAsync(setup, parse.GetValue(ids)!,
                Options(parse, epsilon, density, sameTicket, selection, margin));
            if (parse.GetValue(json))
                JsonOutput.Write(new { searches = analyses });
            else
                foreach (var analysis in analyses)
                    ComparisonTables.Print(analysis, Results.Out, parse.GetValue(wide));
            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command Report()
    {
        var (ids, config, epsilon, density, sameTicket, selection, margin) = CommonArguments();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for report.html, plots, CSV and JSON", Required = true };
        output.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && File.Exists(token.Value))
                result.AddError($"--out {token.Value} is a file; give a folder for the report");
        });
        var command = new Command("report", "Write an HTML report with plots, CSV and JSON") 
        {
            ids, config, output, epsilon, density, sameTicket, selection, margin,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config));
            var analyses = await AnalysisLoader.AnalyzeAsync(setup, parse.GetValue(ids)!,
                Options(parse, epsilon, density, sameTicket, selection, margin));
            var folder = parse.GetValue(output)!.FullName;
            ReportWriter.Write(analyses, folder);
            setup.Log.Information("report written to {Folder}", Path.Combine(folder, "report.html"));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static (Argument<string[]>, Option<string?>, Option<double?>, Option<double>, Option<double>,
        Option<string>, Option<double>) CommonArguments()
    {
        var defaults = new CensusCriteria();
        return (
            new Argument<string[]>("search-id") { Description = "One or more search ids (status lists them)", Arity = ArgumentArity.OneOrMore },
            CommonOptions.Config(),
            new Option<double?>("--epsilon")
            {
                Description = "Census: a winner is within this validation accuracy of its init's dense net. " +
                              "Default: the round-0 nets' seed-to-seed standard deviation, pooled within inits",
            },
            new Option<double>("--density")
            {
                Description = "Census: every pruned round is counted; the one nearest this density is the headline",
                DefaultValueFactory = _ => defaults.TargetDensity,
            },
            new Option<double>("--same-ticket")
            {
                Description = "Census: two winners are one ticket when their mask Jaccard is this fraction of the way " +
                              "from chance, d / (2 - d), to identity",
                DefaultValueFactory = _ => defaults.SameTicket,
            },
            new Option<string>("--selection")
            {
                Description = "Which weights every run is judged at: early-stopped (its best validation evaluation, " +
                              "the dense baseline's rule) or final-weights (the rule of reports made before it)",
                DefaultValueFactory = _ => SpecNames.Of(RunSelection.EarlyStopped),
            },
            new Option<double>("--margin")
            {
                Description = "Headline family: the equivalence margin of the TOST against the dense net, in accuracy",
                DefaultValueFactory = _ => AnalysisOptions.DefaultMargin,
            });
    }

    private static AnalysisOptions Options(ParseResult parse, Option<double?> epsilon, Option<double> density,
        Option<double> sameTicket, Option<string> selection, Option<double> margin)
    {
        var criteria = new CensusCriteria(parse.GetValue(epsilon), parse.GetValue(density), parse.GetValue(sameTicket));
        if (criteria.Epsilon is < 0 or >= 1)
            throw new SpecException("--epsilon", $"is {criteria.Epsilon}; allowed: [0, 1)");
        if (criteria.TargetDensity is <= 0 or > 1)
            throw new SpecException("--density", $"is {criteria.TargetDensity}; allowed: (0, 1]");
        if (criteria.SameTicket is <= 0 or > 1)
            throw new SpecException("--same-ticket", $"is {criteria.SameTicket}; allowed: (0, 1]");
        if (!SpecNames.TryParse<RunSelection>(parse.GetValue(selection)!, out var rule))
            throw new SpecException("--selection", $"is {parse.GetValue(selection)}; allowed: " +
                                                   string.Join(", ", SpecNames.All<RunSelection>()));
        if (parse.GetValue(margin) is var m && m is <= 0 or >= 1)
            throw new SpecException("--margin", $"is {m}; allowed: (0, 1)");
        return AnalysisOptions.Default with { Census = criteria, Selection = rule, Margin = m };
    }
}
