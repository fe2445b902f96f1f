using LotteryActors.Training.Imp;
using LotteryActors.Training.Rounds;

namespace LotteryActors.Training.Engines;

/// <summary>
/// Every unit alone, as <see cref="ActiveRun"/> trains it: the CPU default, where one trainer per core already keeps
/// the machine busy and stacking does not pay. The stacked engine trains what it cannot stack this way.
/// </summary>
public sealed class SeparateEngine(ImpRunner runner) : ITrainingEngine
{
    public string? WhyAlone(WorkUnit unit) => "the separate engine trains every unit alone";

    public IReadOnlyList<IReadOnlyList<WorkUnit>> Batches(IReadOnlyList<WorkUnit> units) =>
        units.Select(u => (IReadOnlyList<WorkUnit>)[u]).ToList();

    public bool IsFull(IReadOnlyList<WorkUnit> batch) => true;

    public IEngineBatch Begin(IReadOnlyList<WorkUnit> batch) => batch.Count == 1
        ? new AloneBatch(runner.Begin(batch[0]))
        : throw new ArgumentException($"the separate engine trains one unit at a time, not {batch.Count}",
            nameof(batch));

    /// <summary>One <see cref="ActiveRun"/>, its divergence reported as an outcome like a stacked member's.</summary>
    private sealed class AloneBatch(ActiveRun run) : IEngineBatch
    {
        private DivergenceException? failure;

        public IReadOnlyList<WorkUnit> Units { get; } = [run.Unit];

        public int Iteration => run.Iteration;

        public int TotalIterations => run.TotalIterations;

        public bool IsComplete => failure is not null || run.IsComplete;

        public void RunChunk(int maxIterations)
        {
            try
            {
                run.RunChunk(maxIterations);
            }
            catch (DivergenceException diverged)
            {
                failure = diverged;
            }
        }

        public IReadOnlyList<MemberOutcome> Finish() =>
            [failure is null ? new MemberOutcome(run.Unit, run.Finish(), null) : new(run.Unit, null, failure)];

        public void Dispose() => run.Dispose();
    }
}
