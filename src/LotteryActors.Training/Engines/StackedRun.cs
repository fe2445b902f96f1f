using LotteryActors.Training.Imp;
using LotteryActors.Training.Models;

namespace LotteryActors.Training.Engines;

/// <summary>
/// Compatible work units in one <see cref="StackedSession"/>: each member's inputs and artifacts are made by the
/// same <see cref="RunInputs"/> as a unit trained alone, only the arithmetic is shared.
/// </summary>
internal sealed class StackedRun : IEngineBatch
{
    private readonly PrunableNetwork network;
    private readonly List<RunInputs> inputs = [];
    private readonly StackedSession session;

    /// <param name="places">Each unit's place in the stack of <paramref name="stackWidth"/>.</param>
    public StackedRun(ImpRunner runner, IReadOnlyList<WorkUnit> units, int stackWidth, IReadOnlyList<int> places)
    {
        Units = units;
        network = runner.CreateNetwork(runner.Spec.Width(units[0].Ticket));
        try
        {
            inputs.AddRange(units.Select(u => new RunInputs(runner, u, network)));
            var first = inputs[0];
            if (inputs.Any(i => i.Recipe != first.Recipe || i.StartIteration != first.StartIteration
                                || i.CaptureAt != first.CaptureAt || i.Patience is not null))
                throw new ArgumentException($"units that do not train alike cannot stack: {string.Join(", ", units)}");
            session = new StackedSession(network, runner.Data, first.Recipe,
                inputs.Select(i => new StackedMember(i.Mask, i.Start, i.DataOrderSeed)).ToList(),
                first.StartIteration, first.CaptureAt, stackWidth, places);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<WorkUnit> Units { get; }

    public int Iteration => session.Iteration;

    public int TotalIterations => session.TotalIterations;

    public bool IsComplete => session.IsComplete;

    public void RunChunk(int maxIterations) => session.RunChunk(maxIterations);

    public IReadOnlyList<MemberOutcome> Finish() => inputs.Select((member, k) =>
    {
        if (session.Failure(k) is { } failure)
            return new MemberOutcome(member.Unit, null, failure);
        using var outcome = session.Complete(k);
        return new MemberOutcome(member.Unit,
            member.Finish(outcome, session.CapturedWeights(k), network.OutputWeight), null);
    }).ToList();

    public void Dispose()
    {
        // The session is null only when the constructor failed before making it.
        session?.Dispose();
        inputs.ForEach(i => i.Dispose());
        network.Dispose();
    }
}
