using LotteryActors.Training.Pruning;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Analysis;

/// <summary>Small tensors written out by hand for the analysis tests.</summary>
internal static class HandTensors
{
    public static Tensor Labels(params long[] labels) => tensor(labels);

    /// <summary>Rows of values as a float32 tensor [rows, columns].</summary>
    public static Tensor Rows(double[,] values)
    {
        var flat = new float[values.Length];
        var columns = values.GetLength(1);
        for (var i = 0; i < values.GetLength(0); i++)
            for (var j = 0; j < columns; j++)
                flat[i * columns + j] = (float)values[i, j];
        return tensor(flat, [values.GetLength(0), columns]);
    }

    /// <summary>
    /// Two-class logits [0, margin] per example: a positive margin predicts class 1, a negative one class 0, and
    /// averaging members averages their margins.
    /// </summary>
    public static Tensor Margins(params double[] margins)
    {
        var rows = new double[margins.Length, 2];
        for (var i = 0; i < margins.Length; i++)
            rows[i, 1] = margins[i];
        return Rows(rows);
    }

    /// <summary>A mask from named layers of 0/1 values, each shaped as given.</summary>
    public static Mask Mask(params (string Name, float[] Kept, long[] Shape)[] layers) =>
        new(layers.ToDictionary(l => l.Name, l => tensor(l.Kept, l.Shape)));
}
