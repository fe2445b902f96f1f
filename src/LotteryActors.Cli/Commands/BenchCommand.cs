using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Hosting;
using LotteryActors.Benchmarks.Actors;
using LotteryActors.Benchmarks.Training;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>bench</c>: runs the measurements of LotteryActors.Benchmarks (Training/, Actors/) and prints them. Every ratio
/// comes from measurements taken in this one run. Peak memory and the resume time are measured in child processes
/// of this same command (hidden options), because a peak only grows and a start-up happens once per process.
/// </summary>
public static class BenchCommand
{
    private static readonly int[] MemoryTrainerCounts = [1, 2, 4, 8];
    private const int MemoryProbeIterations = 20;
    private const int ResumeRunIterations = 100;
    private static readonly int[] StackSizes = [1, 2, 4, 8, 16];
    private const int StackedIterations = 100;
    // Members of the engine comparison's one stack: the default lottery.runtime.stack-size.
    private const int EngineStackSize = 8;

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var epochs = new Option<int>("--epochs")
        {
            Description = "Epochs per ticket in the concurrency and engine comparisons", DefaultValueFactory = _ => 3,
        }.AtLeastOne();
        var repeats = new Option<int>("--repeats")
        {
            Description = "Times the optimizer comparison and the concurrency comparison are repeated (spread)",
            DefaultValueFactory = _ => 3,
        }.AtLeastOne();
        var memoryProbe = new Option<int?>("--memory-probe") { Hidden = true };
        var resumeProbe = new Option<string?>("--resume-probe") { Hidden = true };
        var command = new Command("bench", "Measure GEMM ceiling, trainer throughput, concurrency, memory and resume")
        {
            config, json, epochs, repeats, memoryProbe, resumeProbe,
        };
        command.Subcommands.Add(CoordinatorBenchCommand.Create());
        command.Subcommands.Add(ClusterBenchCommand.Create());
        command.Subcommands.Add(ConvBenchCommand.Create());
        command.SetAction((parse, cancel) => CommandRunner.RunAsync(async () =>
        {
            var configPath = parse.GetValue(config);
            var setup = CommandSetup.Load(configPath);
            if (parse.GetValue(memoryProbe) is { } trainers)
                return PrintPeakMemory(setup, trainers);
            if (parse.GetValue(resumeProbe) is { } searchId)
            {
                var seconds = await ResumeBenchmark.TimeToFirstStepAsync(setup.Runtime, CommandSetup.AkkaOverrides,
                    searchId, cancel);
                Results.Out.WriteLine(seconds.ToString("R", CultureInfo.InvariantCulture));
                return ExitCodes.Success;
            }
            var document = await Measure(setup, configPath, parse.GetValue(epochs), parse.GetValue(repeats), cancel);
            if (parse.GetValue(json))
                JsonOutput.Write(document);
            else
                BenchTable.Print(document);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<BenchDocument> Measure(CommandSetup setup, string? configPath, int epochs, int repeats,
        CancellationToken cancel)
    {
        var spec = setup.ReadSpec();
        var width = spec.Model.Widths[0];
        IReadOnlyList<ConcurrencyMeasurement> concurrency;
        TrainerBenchmark trainer;
        IReadOnlyList<StackedMeasurement> stacked = [];
        IReadOnlyList<ConvTrainerBenchmark> conv;
        EngineComparisonResult? engines = null;
        var home = Path.Combine(Path.GetTempPath(), $"lottery-bench-{Guid.NewGuid():N}");
        try
        {
            using var node = new NodeBuilder(InTemporaryHome(setup.Runtime, home));
            var data = node.Dataset(spec.Dataset);
            trainer = TrainerBenchmark.Measure(spec.Model.Family, width, data, spec.Training, 1000,
                TimeSpan.FromSeconds(2), repeats);
            setup.Log.Information("one trainer: {Share:P0} of the 1-thread GEMM; {Optimizer} at {Ratio:F2}x {Other}",
                trainer.ShareOfOneThreadGemm, trainer.Optimizer, trainer.ThroughputOverOtherOptimizer,
                trainer.OtherOptimizer);
            conv = ConvTrainerBenchmark.Conv2AndConv4(data, spec.Training, repeats);
            ConvBenchCommand.Log(setup, conv);
            if (spec.Model.Family == ModelFamily.Lenet300100)
            {
                stacked = StackedThroughput.Measure(width, data, spec.Training, StackSizes, StackedIterations);
                engines = EngineComparison.Measure(node.Runner(EngineSpec(spec, epochs)), EngineStackSize);
            }
            concurrency = await ConcurrencyBenchmark.MeasureAsync(spec, data, setup.Runtime,
                CommandSetup.AkkaOverrides, epochs, repeats, cancel);
            foreach (var c in concurrency)
                setup.Log.Information("scaling efficiency: plain threads {Plain:P0}, actors {Actors:P0}",
                    c.PlainThreadScalingEfficiency, c.ActorScalingEfficiency);
        }
        finally
        {
            if (Directory.Exists(home))
                Directory.Delete(home, recursive: true);
        }
        var (memory, memoryFailures) = PeakMemory.InChildren(MemoryTrainerCounts,
            n => Child(configPath, null, "--memory-probe", n.ToString(CultureInfo.InvariantCulture)));
        var resume = await ResumeSeconds(setup, spec, configPath, cancel);
        return new BenchDocument(Environment.ProcessorCount, SpecNames.Of(spec.Model.Family), width,
            spec.Training.BatchSize, new GemmPair(trainer.GemmOneThread, trainer.GemmAllThreads), trainer, conv,
            concurrency[0], concurrency.Select(ConcurrencyRepeat.Of).ToList(), stacked, engines,
            new MemoryReport(memory, memoryFailures), resume);
    }

    /// <summary>
    /// The search-level engine comparison's spec: round 0 of one stack of tickets at the bench's width, trained for
    /// the concurrency comparison's epochs, with its evaluations and artifacts, as a search would run them.
    /// </summary>
    private static SearchSpec EngineSpec(SearchSpec spec, int epochs) => spec with
    {
        Name = "bench-engines",
        Model = spec.Model with { Widths = [spec.Model.Widths[0]] },
        TicketsPerWidth = EngineStackSize,
        Training = spec.Training with { Duration = new Duration(epochs, DurationUnit.Epochs) },
        Pruning = spec.Pruning with { Rounds = 0 },
    };

    /// <summary>Child side of the memory measurement: the dataset once, N trainers, then the peak on stdout.</summary>
    private static int PrintPeakMemory(CommandSetup setup, int trainers)
    {
        var spec = setup.ReadSpec() with { TicketsPerWidth = trainers };
        var home = Path.Combine(Path.GetTempPath(), $"lottery-bench-memory-{Guid.NewGuid():N}");
        try
        {
            using var node = new NodeBuilder(InTemporaryHome(setup.Runtime, home), torchThreads: 1);
            var runner = node.Runner(spec);
            var init = runner.DrawInit(0);
            var mask = runner.DenseMask(init);
            var units = spec.Tickets().Where(t => t.WidthIndex == 0)
                .Select(t => new WorkUnit(t, 0, RunKind.Ticket, init, mask)).ToList();
            var peak = PeakMemory.WithTrainers(runner, units, MemoryProbeIterations)
                       ?? throw new PlatformNotSupportedException("this system does not report peak memory (VmHWM)");
            Results.Out.WriteLine(peak.ToString(CultureInfo.InvariantCulture));
            return ExitCodes.Success;
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<ResumeReport> ResumeSeconds(CommandSetup setup, SearchSpec spec, string? configPath,
        CancellationToken cancel)
    {
        var home = Path.Combine(Path.GetTempPath(), $"lottery-bench-resume-{Guid.NewGuid():N}");
        try
        {
            var runtime = InTemporaryHome(setup.Runtime, home);
            var searchId = await ResumeBenchmark.InterruptAsync(spec, runtime, CommandSetup.AkkaOverrides,
                ResumeRunIterations, cancel);
            using var process = Process.Start(Child(configPath, home, "--resume-probe", searchId))!;
            var output = await process.StandardOutput.ReadToEndAsync(cancel);
            await process.WaitForExitAsync(cancel);
            var parsed = double.TryParse(output.Trim(), CultureInfo.InvariantCulture, out var seconds);
            return parsed && process.ExitCode == 0
                ? new ResumeReport(seconds, null)
                : new ResumeReport(null, $"resume probe exited {process.ExitCode}");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>
    /// The node's settings with its home and artifacts in <paramref name="home"/>, deleted after the measurement:
    /// a bench measures this machine and leaves the user's home as it was.
    /// </summary>
    private static RuntimeSettings InTemporaryHome(RuntimeSettings runtime, string home) => runtime with
    {
        Home = home,
        ArtifactsDirectory = Path.Combine(home, "artifacts"),
        ArtifactBackend = ArtifactBackendKind.Directory,
    };

    /// <summary>This same CLI as a child process, under dotnet or as an app host, in <paramref name="home"/>.</summary>
    private static ProcessStartInfo Child(string? configPath, string? home, params string[] arguments)
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            start.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        start.ArgumentList.Add("bench");
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        if (configPath is not null)
        {
            start.ArgumentList.Add("--config");
            start.ArgumentList.Add(Path.GetFullPath(configPath));
        }
        if (home is not null)
            start.Environment["LOTTERY_HOME"] = home;
        return start;
    }
}

public sealed record GemmPair(GemmMeasurement OneThread, GemmMeasurement AllThreads);

/// <summary>Peak resident bytes per trainer count; a count whose child failed is listed under failures.</summary>
public sealed record MemoryReport(IReadOnlyList<MemoryMeasurement> PeakResident, IReadOnlyList<string> Failures);

/// <summary>Seconds from process start until the first trainer of a resumed search began its run.</summary>
public sealed record ResumeReport(double? SecondsToFirstStep, string? Failure);

/// <summary>What <c>bench --json</c> prints: <c>Conv</c> holds full-width Conv-2 and Conv-4 trainers against the
/// 1-thread GEMM, each repeat's ceiling measured just before its trainer; <c>Concurrency</c> is the first repeat
/// (the process's first actor search), <c>ConcurrencyRepeats</c> the ratios of every repeat; <c>Stacked</c>, the
/// fully connected stacks, is measured for LeNet-300-100 only (each conv net's stacks are in its <c>Conv</c> entry),
/// and so is <c>Engines</c>, one stack's round 0 through the separate and the stacked engine (null otherwise).
/// </summary>
public sealed record BenchDocument(int Cores, string Model, double Width, int BatchSize, GemmPair Gemm,
    TrainerBenchmark Trainer, IReadOnlyList<ConvTrainerBenchmark> Conv, ConcurrencyMeasurement Concurrency,
    IReadOnlyList<ConcurrencyRepeat> ConcurrencyRepeats, IReadOnlyList<StackedMeasurement> Stacked,
    EngineComparisonResult? Engines, MemoryReport Memory, ResumeReport Resume);
