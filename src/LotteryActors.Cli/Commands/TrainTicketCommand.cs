using System.CommandLine;
using LotteryActors.Actors.Search;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

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
            set_num_threads(parse.GetValue(threads));
            var ticket = new TicketId(0, 0);
            setup.Log.Information("train-ticket {SearchId}: {Family} width {Width}, {Rounds} rounds", spec.SearchId,
                SpecNames.Of(spec.Model.Family), spec.Width(ticket), spec.Pruning.Rounds);
            using var data = DatasetLoader.Load(spec.Dataset, new Device(setup.Runtime.Device));
            var runner = new ImpRunner(spec, data, new ArtifactStore(setup.Runtime.ArtifactsDirectory), new Device(setup.Runtime.Device));
            var init = runner.DrawInit(ticket.WidthIndex);
            var dense = runner.DenseMask(init);
            var results = new List<RunResult>();
            while (TicketSchedule.NextUnit(spec, ticket, init, dense, results) is { } unit)
            {
                var started = DateTime.UtcNow;
                var result = runner.Run(unit, setup.Runtime.ChunkIterations);
                results.Add(result);
                setup.Log.Information("{Unit}: density {Density:F3}, test accuracy {Test:F4} (at early stop {EarlyStop:F4}, iteration {Iteration}) in {Seconds:F1}s",
                    unit, result.Density, result.Metrics.TestAccuracy, result.Metrics.TestAccuracyAtEarlyStop,
                    result.Metrics.EarlyStopIteration, (DateTime.UtcNow - started).TotalSeconds);
            }
            if (parse.GetValue(json))
                JsonOutput.Write(new { searchId = spec.SearchId, spec, ticket = ticket.ToString(), initHash = init, runs = results.Select(RunRow.From) });
            else
                RunTable.Print(results);
            return ExitCodes.Success;
        }));
        return command;
    }
}
