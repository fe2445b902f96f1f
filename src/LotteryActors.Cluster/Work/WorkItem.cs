using LotteryActors.Training.Imp;

namespace LotteryActors.Cluster.Work;

/// <summary>What a unit of cluster work asks a trainer node for.</summary>
public enum WorkKind
{
    /// <summary>Draw the shared initialisation of one width and its all-ones mask (needs the data's shapes).</summary>
    Init,

    /// <summary>One training run of a ticket (an IMP round or a control).</summary>
    Train,
}

/// <summary>
/// A unit of work as it crosses nodes and lives in the journal: hashes and numbers only. <see cref="Run"/> is set
/// for <see cref="WorkKind.Train"/> and null for an init draw.
/// </summary>
public sealed record WorkItem(WorkKind Kind, int WidthIndex, WorkUnit? Run)
{
    public static WorkItem Init(int widthIndex) => new(WorkKind.Init, widthIndex, null);

    public static WorkItem Train(WorkUnit run) => new(WorkKind.Train, run.Ticket.WidthIndex, run);

    /// <summary>
    /// The unit's id, a function of its content: the same unit queued twice (a resubmitted spec, a replayed
    /// decision) has the same id, so it is queued, leased and journaled as done once.
    /// </summary>
    public string IdIn(string searchId) => Run is { } run
        ? $"{searchId}/{run.Ticket}/r{run.Round}/{Training.Spec.SpecNames.Of(run.Kind)}"
        : $"{searchId}/init/w{WidthIndex}";

    public override string ToString() => Run?.ToString() ?? $"init of width {WidthIndex}";
}

/// <summary>
/// What a trainer node produced: a run's result, an init's hashes, or the reason the run diverged (the ticket's
/// scientific fate, journaled like a result). Exactly one of the three is set.
/// </summary>
public sealed record WorkOutput(RunResult? Run, InitHashes? Init, string? Failure)
{
    public static WorkOutput Trained(RunResult run) => new(run, null, null);

    public static WorkOutput Drawn(string initHash, string denseMaskHash) =>
        new(null, new InitHashes(initHash, denseMaskHash), null);

    public static WorkOutput Diverged(string reason) => new(null, null, reason);
}

public sealed record InitHashes(string InitHash, string DenseMaskHash);
