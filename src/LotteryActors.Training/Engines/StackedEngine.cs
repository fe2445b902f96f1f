using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Engines;

/// <summary>
/// Stacks work units into <see cref="StackedSession"/>s of exactly <see cref="StackSize"/> members, in groups the
/// spec fixes: the tickets of one width in consecutive blocks of <see cref="StackSize"/> (by ticket index), at the
/// same round and kind of run, each ticket always in the same place of its stack (its index within the block);
/// places whose ticket is not there (finished, failed, or journaled before a resume) hold a copy of a member whose
/// results are dropped. A member's bits depend on its place (on the CPU they do: the searches' resume test failed
/// when places followed arrival), may depend on K (a GPU's batched kernels may change with it; on the CPU a place-0
/// member's do not) and do not depend on its companions' values, so with place and K fixed here a resumed
/// search trains every member to the bits it had before, whoever shares its stack this time. What cannot stack
/// says why (<see cref="WhyAlone"/>) and trains alone through <see cref="SeparateEngine"/>, so it never silently
/// differs from a single run.
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

    public bool IsFull(IReadOnlyList<WorkUnit> batch) => WhyAlone(batch[0]) is not null
        || batch.Count == Math.Min(StackSize, TicketsPerWidth - batch[0].Ticket.Index / StackSize * StackSize);

    private int TicketsPerWidth => runner.Spec.Inits * runner.Spec.TicketsPerWidth;

    public IEngineBatch Begin(IReadOnlyList<WorkUnit> batch)
    {
        if (batch.Count == 1 && WhyAlone(batch[0]) is not null)
            return alone.Begin(batch);
        if (batch.Any(u => WhyAlone(u) is not null) || batch.Select(StackKey).Distinct().Count() != 1
                                                     || batch.Select(Place).Distinct().Count() != batch.Count)
            throw new ArgumentException(
                $"not one stack of compatible units in distinct places: {string.Join(", ", batch)}", nameof(batch));
        return new StackedRun(runner, batch, StackSize, batch.Select(Place).ToList());
    }

    /// <summary>Units with one key share a stack: one block of tickets of one width, one round, one kind of run.
    /// </summary>
    private string StackKey(WorkUnit unit) =>
        $"width {unit.Ticket.WidthIndex} block {unit.Ticket.Index / StackSize} round {unit.Round} {unit.Kind}";

    /// <summary>The unit's place in its stack: its ticket's index within the block.</summary>
    private int Place(WorkUnit unit) => unit.Ticket.Index % StackSize;
}
