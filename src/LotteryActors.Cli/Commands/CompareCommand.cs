using System.CommandLine;
using LotteryActors.Cli.Output;
using LotteryActors.Cli.Report;
using LotteryActors.Training.Analysis;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>compare</c> prints the ensemble comparison of one or more searches; <c>report</c> writes it as an HTML page
/// with plots (PNG and SVG), CSV and JSON.
/// </summary>
public static class CompareCommand
{
    public static Command Compare()
    {
        var (ids, config, epsilon, density, tau) = CommonArguments();
        var json = CommonOptions.Json();
        var wide = new Option<bool>("--wide")
        {
            Description = "Print every column of a table on one line; by default tables are split to fit 120 columns",
        };
        var command = new Command("compare", "Compare tickets, controls, ensembles and baselines of searches")
        {
            ids, config, json, wide, epsilon, density, tau,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config));
            var analyses = await AnalysisLoader.AnalyzeAsync(setup, parse.GetValue(ids)!, Options(parse, epsilon, density, tau));
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
        var (ids, config, epsilon, density, tau) = CommonArguments();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for report.html, plots, CSV and JSON", Required = true };
        output.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && File.Exists(token.Value))
                result.AddError($"--out {token.Value} is a file; give a folder for the report");
        });
        var command = new Command("report", "Write an HTML report with plots, CSV and JSON") { ids, config, output, epsilon, density, tau };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config));
            var analyses = await AnalysisLoader.AnalyzeAsync(setup, parse.GetValue(ids)!, Options(parse, epsilon, density, tau));
            var folder = parse.GetValue(output)!.FullName;
            ReportWriter.Write(analyses, folder);
            setup.Log.Information("report written to {Folder}", Path.Combine(folder, "report.html"));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static (Argument<string[]>, Option<string?>, Option<double?>, Option<double>, Option<double>)
        CommonArguments()
    {
        var defaults = new CensusCriteria();
        return (
            new Argument<string[]>("search-id") { Description = "One or more search ids (status lists them)", Arity = ArgumentArity.OneOrMore },
            CommonOptions.Config(),
            new Option<double?>("--epsilon")
            {
                Description = "Census: a winner is within this validation accuracy of dense. " +
                              "Default: the dense nets' seed-to-seed standard deviation",
            },
            new Option<double>("--density") { Description = "Census: the density at which tickets are judged", DefaultValueFactory = _ => defaults.TargetDensity },
            new Option<double>("--tau") { Description = "Census: winners whose mask Jaccard reaches tau count as one", DefaultValueFactory = _ => defaults.Tau });
    }

    private static AnalysisOptions Options(ParseResult parse, Option<double?> epsilon, Option<double> density,
        Option<double> tau)
    {
        var criteria = new CensusCriteria(parse.GetValue(epsilon), parse.GetValue(density), parse.GetValue(tau));
        if (criteria.Epsilon is < 0 or >= 1)
            throw new Training.Spec.SpecException("--epsilon", $"is {criteria.Epsilon}; allowed: [0, 1)");
        if (criteria.TargetDensity is <= 0 or > 1)
            throw new Training.Spec.SpecException("--density", $"is {criteria.TargetDensity}; allowed: (0, 1]");
        if (criteria.Tau is <= 0 or > 1)
            throw new Training.Spec.SpecException("--tau", $"is {criteria.Tau}; allowed: (0, 1]");
        return AnalysisOptions.Default with { Census = criteria };
    }
}
