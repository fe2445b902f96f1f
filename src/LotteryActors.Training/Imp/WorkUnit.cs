using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Imp;

/// <summary>
/// What a training run is for: an IMP round of the ticket, one of the two controls at that round's mask, or the
/// converged dense baseline of the ticket's init (round 0, dense mask, trained to its validation peak).
/// </summary>
public enum RunKind { Ticket, RandomReinit, RandomMask, DenseBaseline }

/// <summary>
/// One training run of a ticket, described by artifact hashes only so it can cross an actor or node boundary.
/// Round r trains under mask m_r; m_0 is dense and m_(r+1) comes from pruning round r's trained weights.
/// <paramref name="StartHash"/> holds the weights training starts from: the shared init, or the rewind point.
/// </summary>
public sealed record WorkUnit(TicketId Ticket, int Round, RunKind Kind, string StartHash, string MaskHash)
{
    /// <summary>
    /// The artifacts the run reads, so it can be re-run only once they are whole. A method, not a property, so the
    /// journaled form of a unit does not change. A random re-init does not read <see cref="StartHash"/> (the shared
    /// init it is the control of): it draws its start from the control seed, and its result's
    /// <see cref="RunResult.Control"/> names what it drew.
    /// </summary>
    public IReadOnlyList<string> InputHashes() => Kind == RunKind.RandomReinit ? [MaskHash] : [StartHash, MaskHash];

    public override string ToString() => Kind == RunKind.Ticket ? $"{Ticket} round {Round}" : $"{Ticket} round {Round} {SpecNames.Of(Kind)}";
}

/// <summary>Numbers measured by one run; no tensors, so it can be journaled and sent anywhere.</summary>
public sealed record RunMetrics(
    int Iterations,
    double ValidationAccuracy,
    double ValidationLoss,
    double TestAccuracy,
    double TestLoss,
    int EarlyStopIteration,
    double BestValidationAccuracy,
    double TestAccuracyAtEarlyStop,
    double TrainLoss);

/// <summary>
/// A finished run: its metrics, the density it trained at and the hashes of its artifacts. A ticket round also
/// names the next round's mask (absent after the last round) and, in round 0 with late rewinding, the rewind point;
/// a control names what it drew (absent from ticket rounds, and from controls journaled before RoundCompleted.v2).
/// </summary>
public sealed record RunResult(
    WorkUnit Unit,
    double Density,
    RunMetrics Metrics,
    string WeightsHash,
    string? NextMaskHash,
    string? RewindHash,
    ControlDraw? Control = null);

/// <summary>
/// What a control run drew from its own seed, stored so the journal says what it trained: a random re-init's start
/// weights (<paramref name="InitHash"/>, not the shared init its unit names), or a random mask's mask
/// (<paramref name="MaskHash"/>, with the ticket mask's per-layer densities).
/// </summary>
public sealed record ControlDraw(long Seed, string? InitHash, string? MaskHash);
