using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Repair;

/// <summary>
/// The deterministic step that stored an artifact, so that a lost or damaged artifact can be made again bit for bit:
/// the draw of a width's shared init, the dense mask of that init, or a journaled training run.
/// </summary>
public abstract record ArtifactProducer
{
    /// <summary>The artifacts the step reads; it can be re-run only once they are whole.</summary>
    public abstract IReadOnlyList<string> InputHashes();

    /// <summary>Shared init <paramref name="InitIndex"/> of width <paramref name="WidthIndex"/>, drawn from its seed.</summary>
    public sealed record InitDraw(int WidthIndex, int InitIndex = 0) : ArtifactProducer
    {
        public override IReadOnlyList<string> InputHashes() => [];

        public override string ToString() => InitIndex == 0 ? $"w{WidthIndex} init draw" : $"w{WidthIndex} init {InitIndex} draw";
    }

    /// <summary>The all-ones mask over the prunable weights of width <paramref name="WidthIndex"/>'s init.</summary>
    public sealed record DenseMask(int WidthIndex, string InitHash) : ArtifactProducer
    {
        public override IReadOnlyList<string> InputHashes() => [InitHash];

        public override string ToString() => $"w{WidthIndex} dense mask";
    }

    /// <summary>A training run: it stored its weights, and for a ticket round the next mask and rewind point.</summary>
    public sealed record UnitRun(WorkUnit Unit) : ArtifactProducer
    {
        public override IReadOnlyList<string> InputHashes() => Unit.InputHashes();

        public override string ToString() => $"run {Unit}";
    }
}
