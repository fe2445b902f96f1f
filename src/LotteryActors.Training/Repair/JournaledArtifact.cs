using LotteryActors.Training.Artifacts;

namespace LotteryActors.Training.Repair;

/// <summary>What an artifact holds, as the journal names it.</summary>
public enum ArtifactKind
{
    Init,
    DenseMask,
    Weights,
    /// <summary>A pruned mask: what a ticket round pruned to, and what the next round trains under.</summary>
    Mask,
    RewindPoint,
    /// <summary>The weights a run started from, where no journaled step says which init or rewind point.</summary>
    StartWeights,
    /// <summary>A random re-init control's start weights, drawn from its control seed.</summary>
    ControlInit,
    /// <summary>A random-mask control's mask, drawn from its control seed.</summary>
    ControlMask,
}

/// <summary>
/// An artifact hash the journal names, with the step that produced it; <paramref name="Producer"/> is null only for
/// an input that no journaled step produced, which cannot be regenerated.
/// </summary>
public sealed record JournaledArtifact(string Hash, ArtifactKind Kind, ArtifactProducer? Producer);

/// <summary>A journaled artifact that a check found missing or corrupt.</summary>
public sealed record DamagedArtifact(JournaledArtifact Artifact, ArtifactCondition Condition);

/// <summary>The result of checking every artifact a journal names against the store.</summary>
public sealed record ArtifactCheckReport(ArtifactCheck Check, int Checked, IReadOnlyList<DamagedArtifact> Damaged)
{
    public bool AllIntact => Damaged.Count == 0;

    public static ArtifactCheckReport Run(
        IReadOnlyCollection<JournaledArtifact> artifacts, ArtifactStore store, ArtifactCheck check) =>
        new(check, artifacts.Count, artifacts
            .Select(a => new DamagedArtifact(a, store.Check(a.Hash, check)))
            .Where(d => d.Condition != ArtifactCondition.Intact)
            .ToList());
}
