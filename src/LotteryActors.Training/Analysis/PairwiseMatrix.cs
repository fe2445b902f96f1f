namespace LotteryActors.Training.Analysis;

/// <summary>Square matrices of a measure over every ordered pair of a list's items.</summary>
internal static class PairwiseMatrix
{
    /// <summary>Evaluates only the upper triangle and mirrors it: the measure must be symmetric.</summary>
    public static double[,] Symmetric(int count, Func<int, int, double> measure)
    {
        var matrix = new double[count, count];
        for (var i = 0; i < count; i++)
            for (var j = i; j < count; j++)
                matrix[i, j] = matrix[j, i] = measure(i, j);
        return matrix;
    }

    /// <summary>Evaluates every entry: [i, j] is measure(i, j).</summary>
    public static double[,] Full(int count, Func<int, int, double> measure)
    {
        var matrix = new double[count, count];
        for (var i = 0; i < count; i++)
            for (var j = 0; j < count; j++)
                matrix[i, j] = measure(i, j);
        return matrix;
    }
}
