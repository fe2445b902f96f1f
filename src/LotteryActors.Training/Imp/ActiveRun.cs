using LotteryActors.Training.Models;
using LotteryActors.Training.Rounds;

namespace LotteryActors.Training.Imp;

/// <summary>
/// A work unit in progress: its network, mask and training session. Steppable in chunks; <see cref="Finish"/>
/// stores the trained weights and, for a ticket round, the pruned mask of the next round.
/// </summary>
public sealed class ActiveRun : IDisposable
{
    private readonly PrunableNetwork network;
    private readonly RunInputs inputs;
    private readonly TrainingSession session;

    internal ActiveRun(ImpRunner runner, WorkUnit unit)
    {
        Unit = unit;
        network = runner.CreateNetwork(runner.Spec.Width(unit.Ticket));
        inputs = new RunInputs(runner, unit, network);
        session = new TrainingSession(network, runner.Data, inputs.Recipe, inputs.Mask, inputs.Start,
            inputs.DataOrderSeed, inputs.StartIteration, inputs.CaptureAt, inputs.Patience);
    }

    public WorkUnit Unit { get; }

    public int Iteration => session.Iteration;

    public int TotalIterations => session.TotalIterations;

    public bool IsComplete => session.IsComplete;

    public void RunChunk(int maxIterations) => session.RunChunk(maxIterations);

    public RunResult Finish()
    {
        using var outcome = session.Complete();
        return inputs.Finish(outcome, session.CapturedWeights, network.OutputWeight);
    }

    public void Dispose()
    {
        session.Dispose();
        inputs.Dispose();
        network.Dispose();
    }
}
