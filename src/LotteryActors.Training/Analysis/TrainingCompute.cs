namespace LotteryActors.Training.Analysis;

/// <summary>
/// Training compute in epochs, counted the way each side pays it. A ticket at round r has trained round 0 in full
/// and every later round from the rewind point, so r + 1 rounds of IMP went into it (without rewinding: (r + 1) x the
/// round's epochs); a dense net trained with early stopping costs the epochs it actually trained.
/// </summary>
public static class TrainingCompute
{
    public static double TicketEpochs(int round, int roundIterations, int rewindIteration, int iterationsPerEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        return (roundIterations + (double)round * (roundIterations - rewindIteration)) / iterationsPerEpoch;
    }

    public static double Epochs(int iterations, int iterationsPerEpoch) => iterations / (double)iterationsPerEpoch;
}
