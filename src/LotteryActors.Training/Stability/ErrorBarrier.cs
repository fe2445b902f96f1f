namespace LotteryActors.Training.Stability;

/// <summary>
/// Errors measured along the line w(a) = (1 - a) w1 + a w2 at <see cref="Alphas"/> (0 and 1 included), and the
/// barriers read off them. <see cref="Barrier"/> is the largest rise above the chord between the endpoints,
/// max_a [err(a) - ((1 - a) err(0) + a err(1))]; <see cref="MeanBarrier"/> is Frankle et al. (2020)'s height, the
/// largest rise above the endpoints' mean, max_a [err(a) - (err(0) + err(1)) / 2]. Both are 0 at the endpoints, so
/// neither is ever negative; they differ by at most half the endpoints' gap. <see cref="PeakAlpha"/> is where the
/// chord barrier is reached (the first such point).
/// </summary>
public sealed record BarrierCurve(
    IReadOnlyList<double> Alphas, IReadOnlyList<double> Errors, double Barrier, double MeanBarrier, double PeakAlpha);

/// <summary>The barrier rule, pure so that it can be checked by hand.</summary>
public static class ErrorBarrier
{
    /// <summary><paramref name="count"/> evenly spaced coefficients from 0 to 1, both included.</summary>
    public static IReadOnlyList<double> Points(int count)
    {
        if (count < 2)
            throw new ArgumentOutOfRangeException(nameof(count), count, "a line needs at least its two endpoints");
        // i / (count - 1) rather than a running sum, so the last point is exactly 1 and the middle exactly 0.5.
        return Enumerable.Range(0, count).Select(i => (double)i / (count - 1)).ToList();
    }

    /// <summary>The barriers of the errors measured at <paramref name="alphas"/> (increasing, from 0 to 1).</summary>
    public static BarrierCurve Of(IReadOnlyList<double> alphas, IReadOnlyList<double> errors)
    {
        if (alphas.Count != errors.Count)
            throw new ArgumentException($"{alphas.Count} coefficients but {errors.Count} errors", nameof(errors));
        if (alphas.Count < 2 || alphas[0] != 0 || alphas[^1] != 1)
            throw new ArgumentException("the coefficients must start at 0 and end at 1", nameof(alphas));
        if (alphas.Zip(alphas.Skip(1)).Any(p => p.Second <= p.First))
            throw new ArgumentException("the coefficients must increase", nameof(alphas));
        var (first, last) = (errors[0], errors[^1]);
        var barrier = 0.0;
        var peak = 0.0;
        // The ends lie on the chord by definition; inside, it is written first + a (last - first) so that equal
        // ends give a chord of exactly that error, and a flat line exactly no barrier.
        for (var i = 1; i < alphas.Count - 1; i++)
        {
            var rise = errors[i] - (first + alphas[i] * (last - first));
            if (rise > barrier)
                (barrier, peak) = (rise, alphas[i]);
        }
        var mean = errors.Max() - (first + last) / 2;
        return new BarrierCurve(alphas, errors, barrier, mean, peak);
    }
}
