using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Training.Imp;

/// <summary>
/// What a work unit trains from (mask, start weights, recipe, start and rewind iterations, a control's own draw) and
/// what it makes of its outcome (stored weights, the next round's mask, the rewind point): one definition for a
/// unit trained alone (<see cref="ActiveRun"/>) and for a member of a stack (<see cref="StackedRun"/>), so the two
/// cannot drift apart.
/// </summary>
internal sealed class RunInputs : IDisposable
{
    private readonly ImpRunner runner;

    /// <param name="network">A network of the unit's width: a random re-init draws its start weights for it.</param>
    public RunInputs(ImpRunner runner, WorkUnit unit, PrunableNetwork network)
    {
        this.runner = runner;
        Unit = unit;
        var spec = runner.Spec;
        using var ticketMask = runner.GetMask(unit.MaskHash);
        var controlSeed = runner.ControlSeed(unit);
        Mask = unit.Kind == RunKind.RandomMask
            ? RandomMasks.SameLayerDensities(ticketMask, controlSeed)
            : ticketMask.Clone();
        Start = unit.Kind == RunKind.RandomReinit
            ? NetworkFactory.DrawInit(network, spec.Model.Init, controlSeed)
            : runner.Store.Get(unit.StartHash);
        // Stored before training, like an input: the journal then names what the control trained from.
        Control = unit.Kind switch
        {
            RunKind.RandomReinit => new ControlDraw(controlSeed,
                runner.Store.Put(Start, new Dictionary<string, string> { ["kind"] = "control-init" }), null),
            RunKind.RandomMask => new ControlDraw(controlSeed, null, runner.PutMask(Mask)),
            _ => null,
        };
        var rewindIteration = runner.RewindIteration;
        StartIteration = runner.StartIteration(unit.Round);
        CaptureAt = unit.Round == 0 && unit.Kind == RunKind.Ticket && rewindIteration > 0 ? rewindIteration : null;
        // The converged baseline trains with the same recipe, for its own budget, until its patience runs out.
        var baseline = unit.Kind == RunKind.DenseBaseline
            ? spec.Baseline ?? throw new InvalidOperationException($"{unit}: the spec asks for no dense baseline")
            : null;
        Recipe = baseline is null
            ? spec.Training
            : spec.Training with { Duration = new Duration(baseline.Epochs, DurationUnit.Epochs) };
        Patience = baseline?.Patience;
        DataOrderSeed = DataOrderSeeds.Of(spec, unit);
    }

    public WorkUnit Unit { get; }

    public Mask Mask { get; }

    public Dictionary<string, Tensor> Start { get; }

    public ControlDraw? Control { get; }

    public TrainingRecipe Recipe { get; }

    public int StartIteration { get; }

    public int? CaptureAt { get; }

    public int? Patience { get; }

    public long DataOrderSeed { get; }

    /// <summary>Stores the outcome's weights, the next round's mask (a ticket round before the last) and the rewind
    /// point, and returns the result to journal.</summary>
    public RunResult Finish(RoundOutcome outcome, IReadOnlyDictionary<string, Tensor>? captured, string outputWeight)
    {
        var weightsHash = runner.Store.Put(outcome.TrainedWeights,
            new Dictionary<string, string> { ["kind"] = "weights" });
        string? nextMask = null;
        if (Unit.Kind == RunKind.Ticket && Unit.Round < runner.Spec.Pruning.Rounds)
        {
            var p = runner.Spec.Pruning;
            using var pruned = PruningStrategies.Get(p.Strategy).Prune(Mask, outcome.TrainedWeights, outputWeight,
                PruningRates.Of(p));
            nextMask = runner.PutMask(pruned);
        }
        var rewind = captured is null
            ? null
            : runner.Store.Put(captured, new Dictionary<string, string> { ["kind"] = "rewind-point" });
        var metrics = new RunMetrics(outcome.Iterations, outcome.FinalValidationAccuracy, outcome.FinalValidationLoss,
            outcome.FinalTestAccuracy, outcome.FinalTestLoss, outcome.EarlyStopIteration,
            outcome.BestValidationAccuracy, outcome.TestAccuracyAtEarlyStop, outcome.TrainLoss);
        return new RunResult(Unit, Mask.Density, metrics, weightsHash, nextMask, rewind, Control);
    }

    public void Dispose()
    {
        Start.DisposeAll();
        Mask.Dispose();
    }
}
