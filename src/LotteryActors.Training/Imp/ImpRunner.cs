using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Training.Imp;

/// <summary>
/// Runs the work units of one search on one node: turns hashes into tensors, trains, prunes, and stores what came
/// out. Deterministic: the same unit run twice stores the same artifacts (CPU, one libtorch thread).
/// </summary>
public sealed class ImpRunner(SearchSpec spec, DatasetSplits data, ArtifactStore store)
{
    public SearchSpec Spec { get; } = spec;
    public DatasetSplits Data { get; } = data;
    public ArtifactStore Store { get; } = store;

    public PrunableNetwork CreateNetwork(double width) => NetworkFactory.For(Spec.Model.Family, width, Data);

    /// <summary>The iteration of the rewind point (0 without late rewinding).</summary>
    public int RewindIteration =>
        Spec.Pruning.Rewind.ToIterations(TrainingSession.IterationsPerEpoch(Data, Spec.Training));

    /// <summary>Where a round's training starts: round 0 at iteration 0, every later round at the rewind point.
    /// </summary>
    public int StartIteration(int round) => round == 0 ? 0 : RewindIteration;

    /// <summary>Init 0 of a width: the only one of a search with one init per width (benchmarks, tests).</summary>
    public string DrawInit(int widthIndex) => DrawInit(new InitId(widthIndex, 0));

    /// <summary>Draws one shared initialisation of a width and stores it; every ticket of that init starts from it.</summary>
    public string DrawInit(InitId id)
    {
        using var network = CreateNetwork(Spec.Model.Widths[id.WidthIndex]);
        var init = NetworkFactory.DrawInit(network, Spec.Model.Init, Spec.InitSeed(id));
        try
        {
            return Store.Put(init);
        }
        finally
        {
            init.DisposeAll();
        }
    }

    /// <summary>The all-ones mask over the prunable weights of an init, stored.</summary>
    public string DenseMask(string initHash)
    {
        var init = Store.Get(initHash);
        try
        {
            using var mask = Mask.Dense(init, init.Keys.Where(k => k.EndsWith(".weight", StringComparison.Ordinal)));
            return PutMask(mask);
        }
        finally
        {
            init.DisposeAll();
        }
    }

    public ActiveRun Begin(WorkUnit unit) => new(this, unit);

    /// <summary>Round 0 of every ticket of the spec, its init drawn and stored (once per init, as hashes dedupe).
    /// </summary>
    public IReadOnlyList<WorkUnit> RoundZero() => Spec.Tickets().Select(t =>
    {
        var init = DrawInit(Spec.InitOf(t));
        return new WorkUnit(t, 0, RunKind.Ticket, init, DenseMask(init));
    }).ToList();

    /// <summary>Runs a unit start to finish on the calling thread.</summary>
    public RunResult Run(WorkUnit unit, int chunkIterations = 1000)
    {
        using var run = Begin(unit);
        while (!run.IsComplete)
            run.RunChunk(chunkIterations);
        return run.Finish();
    }

    /// <summary>
    /// One ticket of the spec end to end on the calling thread, without a journal: its shared init and dense
    /// mask, then every run of <see cref="TicketSchedule"/> in order. <paramref name="finished"/> hears each run as
    /// it completes, with its wall time.
    /// </summary>
    public TicketRun RunTicket(TicketId ticket, int chunkIterations,
        Action<WorkUnit, RunResult, TimeSpan>? finished = null)
    {
        var init = DrawInit(Spec.InitOf(ticket));
        var dense = DenseMask(init);
        var results = new List<RunResult>();
        while (TicketSchedule.NextUnit(Spec, ticket, init, dense, results) is { } unit)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = Run(unit, chunkIterations);
            results.Add(result);
            finished?.Invoke(unit, result, clock.Elapsed);
        }
        return new TicketRun(ticket, init, dense, results);
    }

    internal string PutMask(Mask mask) =>
        Store.Put(mask.Layers.ToDictionary(p => p.Key, p => p.Value.to(ScalarType.Bool)), new Dictionary<string, string> { ["kind"] = "mask" });

    public Mask GetMask(string hash)
    {
        var stored = Store.Get(hash);
        return new Mask(stored.ToDictionary(p => p.Key, p =>
        {
            using var b = p.Value;
            return b.to(ScalarType.Float32);
        }));
    }

    /// <summary>Seeds for the controls: distinct per ticket, round and kind, and independent of the ticket's data order.</summary>
    internal long ControlSeed(WorkUnit unit) =>
        Spec.Seeds.Controls + 1_000_000L * unit.Ticket.WidthIndex + 1_000L * unit.Ticket.Index + 10L * unit.Round + (int)unit.Kind;
}
