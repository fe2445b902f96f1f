using System.CommandLine;
using LotteryActors.Benchmarks.Training;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Data;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>bench conv</c>: only the conv trainers against the 1-thread GEMM (<see cref="ConvTrainerBenchmark"/>), the part
/// of <c>bench</c> that a change to the conv path needs, in a minute or two instead of the whole bench's minutes.
/// The config gives the dataset and the recipe; the one-minute load average is recorded before and after, since on a
/// shared machine the wall-clock share means little without it.
/// </summary>
public static class ConvBenchCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var repeats = new Option<int>("--repeats")
        {
            Description = "Times each conv trainer and the GEMM before it are measured", DefaultValueFactory = _ => 3,
        }.AtLeastOne();
        var command = new Command("conv", "Measure full-width Conv-2 and Conv-4 trainers against the 1-thread GEMM")
        {
            config, json, repeats,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(() =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config), logToFile: false);
            var spec = setup.ReadSpec();
            var loadBefore = LoadAverage.OneMinute();
            // On the CPU, whatever the runtime's device: the share is of this CPU's one-thread GEMM.
            using var data = DatasetLoader.Load(spec.Dataset);
            var trainers = ConvTrainerBenchmark.Conv2AndConv4(data, spec.Training, parse.GetValue(repeats));
            Log(setup, trainers);
            var document = new ConvBenchDocument(Environment.ProcessorCount, loadBefore, LoadAverage.OneMinute(),
                trainers);
            if (parse.GetValue(json))
                JsonOutput.Write(document);
            else
                BenchTable.PrintConv(trainers);
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    public static void Log(CommandSetup setup, IEnumerable<ConvTrainerBenchmark> trainers)
    {
        foreach (var t in trainers)
            setup.Log.Information("{Model} trainer: {Share:P0} of the 1-thread GEMM ({CpuShare:P0} by CPU time)",
                t.Model, t.ShareOfOneThreadGemm, t.CpuShareOfOneThreadGemm);
    }
}

/// <summary>What <c>bench conv --json</c> prints.</summary>
public sealed record ConvBenchDocument(int Cores, double? LoadAverageBefore, double? LoadAverageAfter,
    IReadOnlyList<ConvTrainerBenchmark> Trainers);
