using LotteryActors.Training.Imp;
using LotteryActors.Training.Repair;

namespace LotteryActors.Actors.Search;

/// <summary>
/// Every artifact hash a journaled search names, each once, with the step that produced it: per init of each width
/// the shared init and its dense mask; per run its weights, next mask and rewind point, and the start and mask it read. What the
/// journal does not name is not audited: controls journaled before RoundCompleted.v2 name neither the init nor the
/// mask they drew; later ones name both as outputs of their run. Pure, so it is tested on hand-made states.
/// </summary>
public static class ArtifactAudit
{
    public static IReadOnlyList<JournaledArtifact> Of(SearchState state)
    {
        var named = new Dictionary<string, JournaledArtifact>();
        void Name(string? hash, ArtifactKind kind, ArtifactProducer? producer)
        {
            if (hash is not null)
                named.TryAdd(hash, new JournaledArtifact(hash, kind, producer));
        }

        foreach (var (id, init) in state.Inits)
        {
            Name(init.InitHash, ArtifactKind.Init, new ArtifactProducer.InitDraw(id.WidthIndex, id.Index));
            Name(init.DenseMaskHash, ArtifactKind.DenseMask, new ArtifactProducer.DenseMask(id.WidthIndex, init.InitHash));
        }
        var runs = state.Tickets.Values
            .SelectMany(t => t.Runs.OrderBy(r => r.Unit.Round).ThenBy(r => r.Unit.Kind))
            .ToList();
        foreach (var run in runs)
        {
            var producer = new ArtifactProducer.UnitRun(run.Unit);
            Name(run.WeightsHash, ArtifactKind.Weights, producer);
            Name(run.NextMaskHash, ArtifactKind.Mask, producer);
            Name(run.RewindHash, ArtifactKind.RewindPoint, producer);
            Name(run.Control?.InitHash, ArtifactKind.ControlInit, producer);
            Name(run.Control?.MaskHash, ArtifactKind.ControlMask, producer);
        }
        // Inputs last, so that each one is listed under the step that produced it wherever the journal has that step.
        foreach (var unit in runs.Select(r => r.Unit))
        foreach (var input in unit.InputHashes())
            Name(input, input == unit.MaskHash ? ArtifactKind.Mask : ArtifactKind.StartWeights, null);
        return named.Values.ToList();
    }
}
