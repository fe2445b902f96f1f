using System.CommandLine;
using System.Diagnostics;
using Akka.Actor;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Tickets;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Benchmarks;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>bench</c>: the machine's GEMM ceiling, one trainer's throughput against it, and N concurrent trainers (plain
/// threads, then the actor search) against the same tickets trained one after another with all threads. Every
/// ratio comes from measurements taken in this one run.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var epochs = new Option<int>("--epochs")
        {
            Description = "Epochs per ticket in the concurrency comparison", DefaultValueFactory = _ => 3,
        }.AtLeastOne();
        var command = new Command("bench", "Measure GEMM ceiling, trainer throughput and trainer concurrency") { config, json, epochs };
        command.SetAction((parse, cancel) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config));
            var spec = setup.ReadSpec();
            var cores = Environment.ProcessorCount;
            using var data = DatasetLoader.Load(spec.Dataset);

            var gemmOne = Throughput.Gemm(2048, 1, TimeSpan.FromSeconds(3));
            var gemmAll = Throughput.Gemm(2048, cores, TimeSpan.FromSeconds(3));
            setup.Log.Information("GEMM 2048: {One:F1} GFLOP/s on 1 thread, {All:F1} GFLOP/s on {Cores}", gemmOne.GflopsPerSecond, gemmAll.GflopsPerSecond, cores);
            var width = spec.Model.Widths[0];
            var trainerOne = Throughput.Train(spec.Model.Family, width, data, spec.Training, 400, 1);
            var trainerAll = Throughput.Train(spec.Model.Family, width, data, spec.Training, 400, cores);
            setup.Log.Information("one trainer: {One:F0} examples/s ({OneG:F1} GFLOP/s) on 1 thread, {All:F0} examples/s on {Cores}",
                trainerOne.ExamplesPerSecond, trainerOne.GflopsPerSecond, trainerAll.ExamplesPerSecond, cores);

            var concurrency = await Concurrency(setup, spec, data, parse.GetValue(epochs), cancel);
            var document = new
            {
                cores,
                model = SpecNames.Of(spec.Model.Family),
                width,
                batchSize = spec.Training.BatchSize,
                gemm = new { oneThread = gemmOne, allThreads = gemmAll },
                trainer = new
                {
                    oneThread = trainerOne,
                    allThreads = trainerAll,
                    shareOfOneThreadGemm = trainerOne.GflopsPerSecond / gemmOne.GflopsPerSecond,
                    shareOfMachineGemm = trainerAll.GflopsPerSecond / gemmAll.GflopsPerSecond,
                },
                concurrency,
            };
            if (parse.GetValue(json))
                JsonOutput.Write(document);
            else
                BenchTable.Print(gemmOne, gemmAll, trainerOne, trainerAll, concurrency);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<ConcurrencyMeasurement> Concurrency(CommandSetup setup, SearchSpec baseSpec, DatasetSplits data, int epochs, CancellationToken cancel)
    {
        var cores = Environment.ProcessorCount;
        var spec = baseSpec with
        {
            Name = "bench-concurrency",
            Model = baseSpec.Model with { Widths = [baseSpec.Model.Widths[0]] },
            TicketsPerWidth = cores,
            Training = baseSpec.Training with { Duration = new Duration(epochs, DurationUnit.Epochs) },
            Pruning = baseSpec.Pruning with { Rounds = 0 },
        };
        var home = Path.Combine(Path.GetTempPath(), $"lottery-bench-{Guid.NewGuid():N}");
        try
        {
            var runner = new ImpRunner(spec, data, new ArtifactStore(Path.Combine(home, "artifacts")));
            var init = runner.DrawInit(0);
            var mask = runner.DenseMask(init);
            var units = spec.Tickets().Select(t => new WorkUnit(t, 0, RunKind.Ticket, init, mask)).ToList();

            set_num_threads(cores);
            var sequential = Stopwatch.StartNew();
            var sequentialHashes = units.Select(u => runner.Run(u).WeightsHash).ToList();
            var sequentialSeconds = sequential.Elapsed.TotalSeconds;
            setup.Log.Information("{Tickets} tickets one after another, {Cores} threads: {Seconds:F1}s", units.Count, cores, sequentialSeconds);

            set_num_threads(1);
            var threaded = Stopwatch.StartNew();
            var threadHashes = new string[units.Count];
            var threads = units.Select((u, i) => new Thread(() => threadHashes[i] = runner.Run(u).WeightsHash)).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            var threadSeconds = threaded.Elapsed.TotalSeconds;
            setup.Log.Information("{Tickets} tickets on plain threads, 1 thread each: {Seconds:F1}s", units.Count, threadSeconds);

            var runtime = setup.Runtime with { Home = home, ArtifactsDirectory = Path.Combine(home, "actors-artifacts"), Slots = cores };
            var node = new TrainingNode(new ImpRunner(spec, data, new ArtifactStore(runtime.ArtifactsDirectory)), runtime);
            var actors = Stopwatch.StartNew();
            var trainingStarted = new TaskCompletionSource<double>();
            var state = await SearchHost.RunAsync(node, CommandSetup.AkkaOverrides, system => system.EventStream.Subscribe(
                system.ActorOf(Props.Create(() => new FirstProgress(actors, trainingStarted))), typeof(TicketMessages.RunProgressed)), cancel);
            var actorSeconds = actors.Elapsed.TotalSeconds;
            var startupSeconds = await trainingStarted.Task;
            var actorHashes = state.Tickets.Values.Select(t => t.Runs.Single().WeightsHash).ToList();
            setup.Log.Information("{Tickets} tickets as an actor search: {Seconds:F1}s, of which {Startup:F1}s before the first trainer started",
                units.Count, actorSeconds, startupSeconds);

            var afterStartup = actorSeconds - startupSeconds;
            return new ConcurrencyMeasurement(units.Count, epochs, sequentialSeconds, threadSeconds, actorSeconds, startupSeconds,
                sequentialSeconds / actorSeconds, sequentialSeconds / afterStartup, sequentialSeconds / threadSeconds,
                (actorSeconds - threadSeconds) / actorSeconds, (afterStartup - threadSeconds) / afterStartup,
                threadHashes.SequenceEqual(actorHashes), sequentialHashes.SequenceEqual(threadHashes));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}

/// <summary>
/// The same tickets three ways. The actor overhead is the share of the actor search's wall time that plain threads
/// doing the same training did not need; "after startup" leaves out the one-time start (actor system, journal
/// tables, init drawing) and keeps messaging, chunking, journal writes, artifacts and the final ensemble evaluation.
/// </summary>
public sealed record ConcurrencyMeasurement(
    int Tickets, int EpochsPerTicket, double SequentialAllThreadsSeconds, double PlainThreadsSeconds, double ActorSearchSeconds,
    double ActorStartupSeconds, double SpeedupActorsOverSequential, double SpeedupActorsAfterStartupOverSequential,
    double SpeedupThreadsOverSequential, double ActorOverheadShare, double ActorOverheadShareAfterStartup,
    bool ActorResultsEqualPlainThreads, bool SequentialResultsEqualPlainThreads);

/// <summary>Records when the first trainer began, as seconds on the bench's stopwatch.</summary>
internal sealed class FirstProgress : ReceiveActor
{
    public FirstProgress(Stopwatch clock, TaskCompletionSource<double> started) =>
        Receive<TicketMessages.RunProgressed>(_ => { started.TrySetResult(clock.Elapsed.TotalSeconds); });
}
