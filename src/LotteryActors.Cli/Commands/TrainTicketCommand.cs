using System.CommandLine;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Search;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>train-ticket</c>: one ticket (width index 0, ticket 0), every IMP round and control, in this process without
/// actors or a journal. The scientific core end to end, for checking a recipe before launching a search.
/// </summary>
public static class TrainTicketCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var threads = new Option<int>("--threads")
        {
            Description = "libtorch intra-op threads (1 = bitwise reproducible)", DefaultValueFactory = _ => 1,
        }.AtLeastOne();
        var command = new Command("train-ticket", "Train one ticket through all IMP rounds with its controls") { config, json, threads };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config));
            var spec = setup.ReadSpec();
            var ticket = new TicketId(0, 0);
            setup.Log.Information("train-ticket {SearchId}: {Family} width {Width}, {Rounds} rounds", spec.SearchId,
                SpecNames.Of(spec.Model.Family), spec.Width(ticket), spec.Pruning.Rounds);
            using var node = new NodeBuilder(setup.Runtime, torchThreads: parse.GetValue(threads));
            var run = node.Runner(spec).RunTicket(ticket, setup.Runtime.ChunkIterations, (unit, result, took) =>
                setup.Log.Information("{Unit}: density {Density:F3}, test accuracy {Test:F4} (at early stop " +
                                      "{EarlyStop:F4}, iteration {Iteration}) in {Seconds:F1}s",
                    unit, result.Density, result.Metrics.TestAccuracy, result.Metrics.TestAccuracyAtEarlyStop,
                    result.Metrics.EarlyStopIteration, took.TotalSeconds));
            if (parse.GetValue(json))
                JsonOutput.Write(new
                {
                    searchId = spec.SearchId, spec, ticket = ticket.ToString(), initHash = run.InitHash,
                    runs = run.Runs.Select(RunRow.From),
                });
            else
                RunTable.Print(run.Runs);
            return ExitCodes.Success;
        }));
        return command;
    }
}
