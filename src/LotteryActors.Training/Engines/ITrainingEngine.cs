using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Engines;

/// <summary>One member's end of a batch: the result to journal, or why the member failed (it diverged; in a stack,
/// its companions train on).</summary>
public sealed record MemberOutcome(WorkUnit Unit, RunResult? Result, Exception? Failure);

/// <summary>Work units trained together on one device, steppable in chunks as a single run is.</summary>
public interface IEngineBatch : IDisposable
{
    IReadOnlyList<WorkUnit> Units { get; }

    int Iteration { get; }

    int TotalIterations { get; }

    bool IsComplete { get; }

    /// <summary>Trains up to <paramref name="maxIterations"/> more iterations. A diverged member does not throw
    /// here: <see cref="Finish"/> reports it.</summary>
    void RunChunk(int maxIterations);

    /// <summary>Stores what the members made and returns one outcome per member, in <see cref="Units"/>' order.
    /// </summary>
    IReadOnlyList<MemberOutcome> Finish();
}

/// <summary>
/// How one device trains the work units of a search (<c>lottery.runtime.engine</c>): each alone
/// (<see cref="SeparateEngine"/>), or compatible ones stacked into batched matmuls (<see cref="StackedEngine"/>).
/// Either way every member gets what a single run gives it: the same evaluations, early-stop point, test accuracy
/// and stored artifacts.
/// </summary>
public interface ITrainingEngine
{
    /// <summary>Why this engine trains the unit alone, or null when the unit can share a batch.</summary>
    string? WhyAlone(WorkUnit unit);

    /// <summary>The batches this engine trains <paramref name="units"/> in: a function of the units and their
    /// order only, never of timing.</summary>
    IReadOnlyList<IReadOnlyList<WorkUnit>> Batches(IReadOnlyList<WorkUnit> units);

    /// <summary>Whether a batch of <see cref="Batches"/> holds every unit that could ever join it, so that waiting
    /// for more would gain nothing.</summary>
    bool IsFull(IReadOnlyList<WorkUnit> batch);

    /// <summary>Starts one batch of <see cref="Batches"/>; create, step and dispose it on one thread.</summary>
    IEngineBatch Begin(IReadOnlyList<WorkUnit> batch);
}

public static class TrainingEngines
{
    /// <summary>The batch to start now among <paramref name="waiting"/> (units queued in arrival order): the first
    /// full one, or, once the gather time has passed without one filling (<paramref name="gathered"/>), the first;
    /// null to wait for more. Which units share a batch is the engine's, so this decides only when.</summary>
    public static IReadOnlyList<WorkUnit>? ReadyBatch(this ITrainingEngine engine, IReadOnlyList<WorkUnit> waiting,
        bool gathered)
    {
        if (waiting.Count == 0)
            return null;
        var batches = engine.Batches(waiting);
        return batches.FirstOrDefault(engine.IsFull) ?? (gathered ? batches[0] : null);
    }

    /// <summary>Trains every unit to the end on the calling thread; one outcome per unit, in the units' order.
    /// </summary>
    public static IReadOnlyList<MemberOutcome> TrainAll(this ITrainingEngine engine, IReadOnlyList<WorkUnit> units,
        int chunkIterations = 1000)
    {
        var outcomes = engine.Batches(units).SelectMany(units =>
        {
            using var batch = engine.Begin(units);
            while (!batch.IsComplete)
                batch.RunChunk(chunkIterations);
            return batch.Finish();
        }).ToDictionary(o => o.Unit);
        return units.Select(u => outcomes[u]).ToList();
    }
}
