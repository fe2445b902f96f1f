namespace LotteryActors.Training.Analysis;

/// <summary>
/// Student's t distribution: the 0.975 quantile (the factor of a two-sided 95% interval) and the distribution
/// function, from which the p-values of paired t tests and of equivalence tests (TOST) are read.
/// </summary>
public static class StudentT
{
    // t(0.975, df) for df = 1..30, from the standard table (rounded to 4 decimals).
    private static readonly double[] Table =
    [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ];

    public static double Quantile975(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (degreesOfFreedom <= Table.Length)
            return Table[degreesOfFreedom - 1];
        // Beyond the table, the Cornish-Fisher expansion around the normal quantile (error under 1e-4 for df > 30).
        const double z = 1.959964;
        double n = degreesOfFreedom;
        return z + (z * z * z + z) / (4 * n) + (5 * Math.Pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
    }

    /// <summary>
    /// P(T &lt;= t) with <paramref name="degreesOfFreedom"/> degrees of freedom: the tail beyond |t| is
    /// I_x(df / 2, 1 / 2) / 2 with x = df / (df + t^2), the regularised incomplete beta function.
    /// </summary>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(degreesOfFreedom, 0.0);
        if (double.IsNaN(t))
            return double.NaN;
        if (double.IsInfinity(t))
            return t > 0 ? 1 : 0;
        var tail = IncompleteBeta.Regularized(degreesOfFreedom / 2, 0.5,
            degreesOfFreedom / (degreesOfFreedom + t * t)) / 2;
        return t >= 0 ? 1 - tail : tail;
    }
}
