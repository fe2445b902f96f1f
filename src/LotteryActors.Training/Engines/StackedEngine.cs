using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Engines;

/// <summary>
/// Stacks compatible units into one <see cref="StackedSession"/> of exactly <see cref="StackSize"/> members (short
/// stacks are padded with a copy of a member whose results are dropped): a member's bits depend on its own inputs
/// and on K's kernel choice only, so with K fixed they do not depend on which units share its stack, and a resumed
/// search reproduces them however its stacks fall. Units are compatible when they train the same recipe from the
/// same iteration: same width, and both round 0 or both later rounds (ticket runs and controls alike, since every
/// round after the first starts at the rewind point). What cannot stack says why (<see cref="WhyAlone"/>) and
/// trains alone through <see cref="SeparateEngine"/>, so it never silently differs from a single run.
/// </summary>
public sealed class StackedEngine : ITrainingEngine
{
    private readonly ImpRunner runner;
    private readonly SeparateEngine alone;

    public StackedEngine(ImpRunner runner, int stackSize)
    {
        if (stackSize < 1)
            throw new ArgumentOutOfRangeException(nameof(stackSize), stackSize, "a stack holds at least one member");
        this.runner = runner;
        alone = new SeparateEngine(runner);
        StackSize = stackSize;
    }

    public int StackSize { get; }

    public string? WhyAlone(WorkUnit unit)
    {
        if (runner.Spec.Model.Family != ModelFamily.Lenet300100)
            return $"{SpecNames.Of(runner.Spec.Model.Family)} does not stack: only fully connected networks do "
                   + "(convolutions would need grouped convolutions)";
        if (unit.Kind == RunKind.DenseBaseline)
            return "the converged dense baseline stops on its own patience, so it cannot share a stack's steps";
        return null;
    }

    public IReadOnlyList<IReadOnlyList<WorkUnit>> Batches(IReadOnlyList<WorkUnit> units) => units
        .Select((unit, index) => (unit, index))
        .GroupBy(p => WhyAlone(p.unit) is null ? StackKey(p.unit) : $"alone {p.index}")
        .SelectMany(group => group.Chunk(StackSize).Select(chunk => (First: chunk[0].index,
            Units: (IReadOnlyList<WorkUnit>)chunk.Select(p => p.unit).ToList())))
        .OrderBy(batch => batch.First)
        .Select(batch => batch.Units)
        .ToList();

    public IEngineBatch Begin(IReadOnlyList<WorkUnit> batch)
    {
        if (batch.Count == 1 && WhyAlone(batch[0]) is not null)
            return alone.Begin(batch);
        if (batch.Count > StackSize || batch.Any(u => WhyAlone(u) is not null)
                                    || batch.Select(StackKey).Distinct().Count() != 1)
            throw new ArgumentException(
                $"not one stack of at most {StackSize} compatible units: {string.Join(", ", batch)}", nameof(batch));
        return new StackedRun(runner, batch, StackSize);
    }

    /// <summary>Units with one key train the same recipe from the same iteration and may share a stack.</summary>
    private static string StackKey(WorkUnit unit) => $"width {unit.Ticket.WidthIndex} "
        + (unit.Round == 0 ? "from the start" : "from the rewind point");
}
