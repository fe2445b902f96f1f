using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Repair;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Output;

/// <summary>The console view of <c>verify</c>: one line per damaged artifact and per repair, then a summary.</summary>
public static class ArtifactLines
{
    /// <summary>"missing weights 3fa2... (run w0-t1 round 2)": what, which, and the step that makes it again.</summary>
    public static string Describe(DamagedArtifact damaged) =>
        $"{SpecNames.Of(damaged.Condition)} {SpecNames.Of(damaged.Artifact.Kind)} {damaged.Artifact.Hash} " +
        $"({damaged.Artifact.Producer?.ToString() ?? "no journaled step produced it"})";

    public static string Summary(string searchId, ArtifactCheckReport check)
    {
        var how = check.Check == ArtifactCheck.Content ? "every byte hashed" : "existence and safetensors layout";
        if (check.AllIntact)
            return $"search {searchId}: all {check.Checked} journaled artifacts intact ({how})";
        var missing = check.Damaged.Count(d => d.Condition == ArtifactCondition.Missing);
        return $"search {searchId}: {check.Damaged.Count} of {check.Checked} journaled artifacts damaged " +
               $"({missing} missing, {check.Damaged.Count - missing} corrupt; {how})";
    }

    public static void Print(string searchId, ArtifactCheckReport check, RepairReport? repair)
    {
        foreach (var damaged in check.Damaged)
            Results.Out.WriteLine(Describe(damaged));
        Results.Out.WriteLine(Summary(searchId, check));
        if (repair is null)
            return;
        foreach (var outcome in repair.Outcomes)
            Results.Out.WriteLine(Describe(outcome));
        var restored = repair.Outcomes.Count(o => o.Status == RepairStatus.Restored);
        var draws = repair.StepsRun.Count - repair.UnitsRun;
        Results.Out.WriteLine($"repair: {restored} of {repair.Outcomes.Count} damaged artifacts restored bit for bit" +
                              $"; re-ran {repair.UnitsRun} training runs and {draws} init or dense-mask draws");
    }

    private static string Describe(RepairOutcome outcome)
    {
        var artifact = outcome.Damaged.Artifact;
        var what = $"{SpecNames.Of(artifact.Kind)} {artifact.Hash}";
        return outcome.Status switch
        {
            RepairStatus.Restored => $"restored {what} by re-running {artifact.Producer}",
            RepairStatus.Mismatch => $"not restored {what}: re-running {artifact.Producer} produced " +
                                     $"{outcome.OtherHash ?? "no such artifact"} instead; the journaled one is still " +
                                     SpecNames.Of(outcome.Damaged.Condition),
            RepairStatus.InputDamaged => $"not restored {what}: {artifact.Producer} reads {outcome.OtherHash}, " +
                                         "which is damaged and could not be restored",
            _ => $"not restored {what}: no journaled step produced it",
        };
    }
}
