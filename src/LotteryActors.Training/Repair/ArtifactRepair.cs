using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Repair;

public enum RepairStatus
{
    /// <summary>Re-running its producer stored it again, bit for bit, under its journaled hash.</summary>
    Restored,
    /// <summary>Re-running its producer gave other content (stored under that content's own hash).</summary>
    Mismatch,
    /// <summary>Not re-run: its producer reads an artifact that is damaged and could not be restored first.</summary>
    InputDamaged,
    /// <summary>Not re-run: no journaled step produced it.</summary>
    NoProducer,
}

/// <summary>
/// What repair did for one damaged artifact. <paramref name="OtherHash"/> is, for a mismatch, the hash the re-run
/// produced instead (null if it produced none of this kind) and, for a blocked step, the damaged input.
/// </summary>
public sealed record RepairOutcome(DamagedArtifact Damaged, RepairStatus Status, string? OtherHash);

/// <summary>The outcome per damaged artifact, and the producing steps re-run to get there, in order.</summary>
public sealed record RepairReport(IReadOnlyList<RepairOutcome> Outcomes, IReadOnlyList<ArtifactProducer> StepsRun)
{
    public bool AllRestored => Outcomes.All(o => o.Status == RepairStatus.Restored);

    /// <summary>How many of the re-run steps were training runs (work units), the costly kind.</summary>
    public int UnitsRun => StepsRun.Count(s => s is ArtifactProducer.UnitRun);
}

/// <summary>
/// Regenerates damaged artifacts by re-running the steps that produced them, each step after the steps whose
/// outputs it reads, and compares every regenerated hash with the journaled one. CPU runs are deterministic at a
/// given libtorch thread count, which the caller sets to the one the runs were made with. The store names files by
/// their content, so a step that no longer reproduces its output never writes under the journaled name: that
/// artifact simply stays damaged. A corrupt file is replaced by the store's write to a temporary file and rename,
/// never left half-written.
/// </summary>
public sealed class ArtifactRepair(ImpRunner runner, int chunkIterations)
{
    /// <summary>Re-runs only steps that made a damaged artifact; <paramref name="starting"/> hears of each.</summary>
    public RepairReport Repair(IReadOnlyList<DamagedArtifact> damaged, Action<ArtifactProducer>? starting = null)
    {
        var stillDamaged = damaged.Select(d => d.Artifact.Hash).ToHashSet();
        var outcomes = new List<RepairOutcome>();
        var stepsRun = new List<ArtifactProducer>();
        foreach (var step in damaged.GroupBy(d => d.Artifact.Producer).OrderBy(g => DependencyOrder(g.Key)))
        {
            if (step.Key is not { } producer)
            {
                outcomes.AddRange(step.Select(d => new RepairOutcome(d, RepairStatus.NoProducer, null)));
                continue;
            }
            if (producer.InputHashes().FirstOrDefault(stillDamaged.Contains) is { } blocking)
            {
                outcomes.AddRange(step.Select(d => new RepairOutcome(d, RepairStatus.InputDamaged, blocking)));
                continue;
            }
            starting?.Invoke(producer);
            var regenerated = Regenerate(producer);
            stepsRun.Add(producer);
            foreach (var d in step)
            {
                var hash = regenerated.GetValueOrDefault(d.Artifact.Kind);
                var restored = hash == d.Artifact.Hash;
                if (restored)
                    stillDamaged.Remove(d.Artifact.Hash);
                outcomes.Add(restored
                    ? new RepairOutcome(d, RepairStatus.Restored, null)
                    : new RepairOutcome(d, RepairStatus.Mismatch, hash));
            }
        }
        return new RepairReport(outcomes, stepsRun);
    }

    /// <summary>Inits, dense masks, then every ticket's runs in order: each reads earlier output only.</summary>
    private static (int Stage, int Width, int Ticket, int Round, RunKind Kind) DependencyOrder(ArtifactProducer? s) =>
        s switch
        {
            ArtifactProducer.InitDraw i => (0, i.WidthIndex, i.InitIndex, 0, RunKind.Ticket),
            ArtifactProducer.DenseMask m => (1, m.WidthIndex, 0, 0, RunKind.Ticket),
            ArtifactProducer.UnitRun r => (2, r.Unit.Ticket.WidthIndex, r.Unit.Ticket.Index, r.Unit.Round, r.Unit.Kind),
            _ => (3, 0, 0, 0, RunKind.Ticket),
        };

    private Dictionary<ArtifactKind, string?> Regenerate(ArtifactProducer producer)
    {
        switch (producer)
        {
            case ArtifactProducer.InitDraw i:
                return new() { [ArtifactKind.Init] = runner.DrawInit(new InitId(i.WidthIndex, i.InitIndex)) };
            case ArtifactProducer.DenseMask m:
                return new() { [ArtifactKind.DenseMask] = runner.DenseMask(m.InitHash) };
            case ArtifactProducer.UnitRun r:
                var result = runner.Run(r.Unit, chunkIterations);
                return new()
                {
                    [ArtifactKind.Weights] = result.WeightsHash,
                    [ArtifactKind.Mask] = result.NextMaskHash,
                    [ArtifactKind.RewindPoint] = result.RewindHash,
                    [ArtifactKind.ControlInit] = result.Control?.InitHash,
                    [ArtifactKind.ControlMask] = result.Control?.MaskHash,
                };
            default:
                throw new ArgumentOutOfRangeException(nameof(producer), producer, "unknown artifact producer");
        }
    }
}
