using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Training.Imp;

/// <summary>
/// A work unit in progress: its network, mask and training session. Steppable in chunks; <see cref="Finish"/>
/// stores the trained weights and, for a ticket round, the pruned mask of the next round.
/// </summary>
public sealed class ActiveRun : IDisposable
{
    private readonly ImpRunner runner;
    private readonly PrunableNetwork network;
    private readonly Mask mask;
    private readonly TrainingSession session;
    private readonly int rewindIteration;
    private readonly ControlDraw? control;

    internal ActiveRun(ImpRunner runner, WorkUnit unit)
    {
        this.runner = runner;
        Unit = unit;
        var spec = runner.Spec;
        network = runner.CreateNetwork(spec.Width(unit.Ticket));
        using var ticketMask = runner.GetMask(unit.MaskHash);
        var controlSeed = runner.ControlSeed(unit);
        mask = unit.Kind == RunKind.RandomMask
            ? RandomMasks.SameLayerDensities(ticketMask, controlSeed)
            : ticketMask.Clone();
        var start = unit.Kind == RunKind.RandomReinit
            ? NetworkFactory.DrawInit(network, spec.Model.Init, controlSeed)
            : runner.Store.Get(unit.StartHash);
        try
        {
            // Stored before training, like an input: the journal then names what the control trained from.
            control = unit.Kind switch
            {
                RunKind.RandomReinit => new ControlDraw(controlSeed,
                    runner.Store.Put(start, new Dictionary<string, string> { ["kind"] = "control-init" }), null),
                RunKind.RandomMask => new ControlDraw(controlSeed, null, runner.PutMask(mask)),
                _ => null,
            };
            var iterationsPerEpoch = TrainingSession.IterationsPerEpoch(runner.Data, spec.Training);
            rewindIteration = spec.Pruning.Rewind.ToIterations(iterationsPerEpoch);
            var startIteration = unit.Round == 0 ? 0 : rewindIteration;
            int? capture = unit.Round == 0 && unit.Kind == RunKind.Ticket && rewindIteration > 0 ? rewindIteration : null;
            // The converged baseline trains with the same recipe, for its own budget, until its patience runs out.
            var baseline = unit.Kind == RunKind.DenseBaseline
                ? spec.Baseline ?? throw new InvalidOperationException($"{unit}: the spec asks for no dense baseline")
                : null;
            var recipe = baseline is null ? spec.Training : spec.Training with { Duration = new Duration(baseline.Epochs, DurationUnit.Epochs) };
            session = new TrainingSession(network, runner.Data, recipe, mask, start,
                spec.DataOrderSeed(unit.Ticket), startIteration, capture, baseline?.Patience);
        }
        finally
        {
            start.DisposeAll();
        }
    }

    public WorkUnit Unit { get; }

    public int Iteration => session.Iteration;

    public int TotalIterations => session.TotalIterations;

    public bool IsComplete => session.IsComplete;

    public void RunChunk(int maxIterations) => session.RunChunk(maxIterations);

    public RunResult Finish()
    {
        using var outcome = session.Complete();
        var weightsHash = runner.Store.Put(outcome.TrainedWeights, new Dictionary<string, string> { ["kind"] = "weights" });
        string? nextMask = null;
        if (Unit.Kind == RunKind.Ticket && Unit.Round < runner.Spec.Pruning.Rounds)
        {
            var p = runner.Spec.Pruning;
            using var pruned = MagnitudePruner.Prune(mask, outcome.TrainedWeights, network.OutputWeight, p.Strategy,
                p.Rate, p.OutputRate, p.ConvRate);
            nextMask = runner.PutMask(pruned);
        }
        var rewind = session.CapturedWeights is { } captured
            ? runner.Store.Put(captured, new Dictionary<string, string> { ["kind"] = "rewind-point" })
            : null;
        var metrics = new RunMetrics(outcome.Iterations, outcome.FinalValidationAccuracy, outcome.FinalValidationLoss,
            outcome.FinalTestAccuracy, outcome.FinalTestLoss, outcome.EarlyStopIteration, outcome.BestValidationAccuracy,
            outcome.TestAccuracyAtEarlyStop, outcome.TrainLoss);
        return new RunResult(Unit, mask.Density, metrics, weightsHash, nextMask, rewind, control);
    }

    public void Dispose()
    {
        session.Dispose();
        mask.Dispose();
        network.Dispose();
    }
}
