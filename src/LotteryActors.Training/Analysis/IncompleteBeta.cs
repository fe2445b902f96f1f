namespace LotteryActors.Training.Analysis;

/// <summary>
/// The regularised incomplete beta function I_x(a, b), evaluated by its continued fraction (modified Lentz), which
/// converges fast for x below (a + 1) / (a + b + 2); above it the symmetry I_x(a, b) = 1 - I_(1-x)(b, a) is used.
/// Accurate to about 1e-12, far beyond what a p-value needs.
/// </summary>
internal static class IncompleteBeta
{
    private const int MaxTerms = 300;
    private const double Epsilon = 1e-15;
    private const double Tiny = 1e-300;

    public static double Regularized(double a, double b, double x)
    {
        if (x <= 0)
            return 0;
        if (x >= 1)
            return 1;
        var logFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        return x < (a + 1) / (a + b + 2)
            ? Math.Exp(logFront) * ContinuedFraction(a, b, x) / a
            : 1 - Math.Exp(logFront) * ContinuedFraction(b, a, 1 - x) / b;
    }

    private static double ContinuedFraction(double a, double b, double x)
    {
        var c = 1.0;
        var d = NotTiny(1 - (a + b) * x / (a + 1));
        d = 1 / d;
        var result = d;
        for (var m = 1; m <= MaxTerms; m++)
        {
            // Even step, then odd step, of the fraction's terms d_(2m) and d_(2m+1).
            var even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 / NotTiny(1 + even * d);
            c = NotTiny(1 + even / c);
            result *= d * c;
            var odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 / NotTiny(1 + odd * d);
            c = NotTiny(1 + odd / c);
            var step = d * c;
            result *= step;
            if (Math.Abs(step - 1) < Epsilon)
                return result;
        }
        return result;
    }

    private static double NotTiny(double value) => Math.Abs(value) < Tiny ? Tiny : value;

    /// <summary>ln Gamma(x) for x &gt; 0 by Lanczos' approximation (g = 7, nine coefficients).</summary>
    private static double LogGamma(double x)
    {
        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7,
        ];
        if (x < 0.5)
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        var sum = coefficients[0];
        for (var i = 1; i < coefficients.Length; i++)
            sum += coefficients[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
