using System.Diagnostics;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Protocol;
using LotteryActors.Benchmarks.Training;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Benchmarks.Actors;

/// <summary>
/// One ticket per core, each a single dense round of <c>EpochsPerTicket</c> epochs, trained four ways in one run:
/// one alone on one thread (the unit of scaling), all one after another with every thread, all at once on plain
/// threads, and as an actor search (journal, artifacts, ensemble). Scaling efficiency is the throughput of the N
/// concurrent trainers over N times the lone trainer's: with equal units, the lone trainer's training time over the
/// concurrent training window. The actor figures leave out start-up (actor system, journal, init drawing), reported
/// on its own, and the end (journal writes of the results, ensemble evaluation), which plain threads do not do.
/// </summary>
public sealed record ConcurrencyMeasurement(
    int Tickets, int EpochsPerTicket,
    TrainingRunMeasurement Alone, TrainingRunMeasurement Sequential, TrainingRunMeasurement PlainThreads,
    TrainingRunMeasurement ActorSearch)
{
    public double SequentialAllThreadsSeconds => Sequential.WallSeconds;
    public double PlainThreadsSeconds => PlainThreads.WallSeconds;
    public double ActorSearchSeconds => ActorSearch.WallSeconds;
    public double ActorStartupSeconds => ActorSearch.StartupSeconds;
    public double PlainThreadScalingEfficiency => Alone.TrainingSeconds / PlainThreads.TrainingSeconds;
    public double ActorScalingEfficiency => Alone.TrainingSeconds / ActorSearch.TrainingSeconds;

    /// <summary>How much longer the actors' training window is than the plain threads' (negative: shorter).</summary>
    public double ActorOverheadVsPlainThreads =>
        (ActorSearch.TrainingSeconds - PlainThreads.TrainingSeconds) / PlainThreads.TrainingSeconds;

    public double SpeedupThreadsOverSequential => Sequential.WallSeconds / PlainThreads.WallSeconds;
    public double SpeedupActorsOverSequential => Sequential.WallSeconds / ActorSearch.WallSeconds;
    public bool ActorResultsEqualPlainThreads => PlainThreads.WeightsHashes.SequenceEqual(ActorSearch.WeightsHashes);
    public bool SequentialResultsEqualPlainThreads =>
        Sequential.WeightsHashes.SequenceEqual(PlainThreads.WeightsHashes);
}

/// <summary>
/// The ratios of one repeat of the comparison. Repeats run in one process: the first repeat's actor search is the
/// process's first, as a real search's is (Akka's, the journal's and the logger's code compiled as it is first
/// used), the later ones find that code compiled, as a long search's later runs do. Plain threads run warm in every
/// repeat: the trainer's own code is compiled by the lone trainer before them.
/// </summary>
public sealed record ConcurrencyRepeat(double PlainThreadScalingEfficiency, double ActorScalingEfficiency,
    double ActorOverheadVsPlainThreads, double ActorStartupSeconds, bool ActorResultsEqualPlainThreads,
    double PlainThreadStartSpreadSeconds, double ActorStartSpreadSeconds,
    IReadOnlyDictionary<string, double> PlainThreadCpuSecondsByThread,
    IReadOnlyDictionary<string, double> ActorCpuSecondsByThread)
{
    public static ConcurrencyRepeat Of(ConcurrencyMeasurement m) => new(m.PlainThreadScalingEfficiency,
        m.ActorScalingEfficiency, m.ActorOverheadVsPlainThreads, m.ActorStartupSeconds,
        m.ActorResultsEqualPlainThreads, m.PlainThreads.StartSpreadSeconds, m.ActorSearch.StartSpreadSeconds,
        m.PlainThreads.CpuSecondsByThread, m.ActorSearch.CpuSecondsByThread);
}

public static class ConcurrencyBenchmark
{
    /// <summary>Runs the comparison <paramref name="repeats"/> times, each in a temporary home deleted afterwards.
    /// </summary>
    public static async Task<IReadOnlyList<ConcurrencyMeasurement>> MeasureAsync(SearchSpec baseSpec,
        DatasetSplits data, RuntimeSettings baseRuntime, Config? akkaOverrides, int epochs, int repeats,
        CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var measurements = new List<ConcurrencyMeasurement>();
        for (var i = 0; i < repeats; i++)
            measurements.Add(await MeasureOnceAsync(baseSpec, data, baseRuntime, akkaOverrides, epochs, cancel));
        return measurements;
    }

    private static async Task<ConcurrencyMeasurement> MeasureOnceAsync(SearchSpec baseSpec, DatasetSplits data,
        RuntimeSettings baseRuntime, Config? akkaOverrides, int epochs, CancellationToken cancel)
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

            var alone = TrainerConcurrency.Alone(runner, units[0]);
            var sequential = TrainerConcurrency.Sequential(runner, units, cores);
            var threads = TrainerConcurrency.PlainThreads(runner, units);

            var runtime = baseRuntime with
            {
                Home = home,
                ArtifactsDirectory = Path.Combine(home, "actors-artifacts"),
                Slots = cores,
                TorchThreads = 1,
                // Per-ticket trainers against plain threads, like for like; on CUDA auto would stack them.
                Engine = baseRuntime.Engine with { Kind = EngineKind.Separate },
            };
            var actorRunner = new ImpRunner(spec, data, new ArtifactStore(runtime.ArtifactsDirectory));
            var actors = await ActorSearchAsync(actorRunner, runtime, akkaOverrides, units.Count, cancel);
            return new ConcurrencyMeasurement(units.Count, epochs, alone, sequential, threads, actors);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>The search as <c>lottery search</c> runs it (<see cref="OneNodeSearch"/>), on the bench's runner.
    /// </summary>
    private static async Task<TrainingRunMeasurement> ActorSearchAsync(ImpRunner runner, RuntimeSettings runtime,
        Config? akkaOverrides, int units, CancellationToken cancel)
    {
        TorchSharp.torch.set_num_threads(runtime.TorchThreads);
        var gc = GcWatch.Start();
        var clock = Stopwatch.StartNew();
        var window = new TrainingWindow(clock, units);
        var state = await OneNodeSearch.RunAsync(runner.Spec, runtime, _ => runner, OneNodeSearch.Timing(runtime),
            akkaOverrides, system => ProgressEvents.Watch(system, window.Observe), cancel);
        var hashes = state.Tickets.Values.Select(t => t.Runs.Single().WeightsHash).ToList();
        return gc.Finish(units, clock.Elapsed.TotalSeconds, window.FirstStart, window.LastTrained - window.FirstStart,
            hashes, window.LastStart - window.FirstStart, window.Cpu);
    }

    /// <summary>When the first and the last trainer began (a trainer announces its run before its first step) and
    /// when the last one finished its final step, on the bench's clock, and the CPU each kind of thread used
    /// in between.</summary>
    private sealed class TrainingWindow(Stopwatch clock, int units)
    {
        private readonly HashSet<WorkUnit> started = [];
        private int trained;
        private ThreadCpu? cpuAtStart;

        public IReadOnlyDictionary<string, double> Cpu { get; private set; } = new Dictionary<string, double>();

        public double FirstStart { get; private set; } = double.NaN;
        public double LastStart { get; private set; } = double.NaN;
        public double LastTrained { get; private set; } = double.NaN;

        public void Observe(ProgressMessages.RunProgressed progress)
        {
            var now = clock.Elapsed.TotalSeconds;
            if (double.IsNaN(FirstStart))
            {
                FirstStart = now;
                cpuAtStart = ThreadCpu.Sample();
            }
            if (started.Add(progress.Unit))
                LastStart = now;
            if (progress.Iteration == progress.TotalIterations && ++trained == units)
            {
                LastTrained = now;
                Cpu = ThreadCpu.Sample().Since(cpuAtStart!);
            }
        }
    }
}
