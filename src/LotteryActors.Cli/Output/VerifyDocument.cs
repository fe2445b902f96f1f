using LotteryActors.Training.Repair;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Output;

/// <summary>The --json view of <c>verify</c>: the damaged artifacts and, with --repair, what became of each.</summary>
public sealed record VerifyDocument(
    string SearchId, string Check, int Checked, bool Ok, IReadOnlyList<DamagedRow> Damaged, RepairDocument? Repair)
{
    public static VerifyDocument From(string searchId, ArtifactCheckReport check, RepairReport? repair) => new(
        searchId, SpecNames.Of(check.Check), check.Checked, repair?.AllRestored ?? check.AllIntact,
        check.Damaged.Select(d => new DamagedRow(d.Artifact.Hash, SpecNames.Of(d.Artifact.Kind),
            SpecNames.Of(d.Condition), d.Artifact.Producer?.ToString())).ToList(),
        repair is null ? null : new RepairDocument(repair.UnitsRun,
            repair.StepsRun.Select(s => s.ToString()).ToList(), repair.Outcomes.Select(o => new RepairRow(
            o.Damaged.Artifact.Hash, SpecNames.Of(o.Damaged.Artifact.Kind), SpecNames.Of(o.Status),
            o.Damaged.Artifact.Producer?.ToString(), o.OtherHash)).ToList()));
}

public sealed record DamagedRow(string Hash, string Kind, string Condition, string? Producer);

public sealed record RepairDocument(int UnitsRun, IReadOnlyList<string> StepsRun, IReadOnlyList<RepairRow> Outcomes);

/// <summary>One damaged artifact after repair; <c>OtherHash</c> as in <see cref="RepairOutcome"/>.</summary>
public sealed record RepairRow(string Hash, string Kind, string Status, string? Producer, string? OtherHash);
