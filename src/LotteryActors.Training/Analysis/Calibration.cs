using static TorchSharp.torch;

namespace LotteryActors.Training.Analysis;

/// <summary>How far a classifier's confidence is from its accuracy (Guo et al. 2017).</summary>
public static class Calibration
{
    public const int DefaultBins = 15;

    /// <summary>
    /// Expected calibration error: confidence is the largest probability, examples fall into equal-width bins
    /// ((m-1)/M, m/M] by confidence, and ECE = sum over bins of |B|/N * |accuracy(B) - mean confidence(B)|.
    /// </summary>
    /// <param name="probabilities">[N, classes], rows summing to 1.</param>
    /// <param name="labels">[N] class indices.</param>
    public static double ExpectedCalibrationError(Tensor probabilities, Tensor labels, int bins = DefaultBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (probabilities.dim() != 2 || labels.dim() != 1 || probabilities.shape[0] != labels.shape[0])
            throw new ArgumentException(
                $"need probabilities [N, classes] and labels [N]; got [{string.Join(",", probabilities.shape)}] and [{string.Join(",", labels.shape)}]");
        double[] confidence;
        bool[] correct;
        using (var scope = NewDisposeScope())
        {
            var (values, predicted) = probabilities.cpu().to(ScalarType.Float64).max(1);
            confidence = values.data<double>().ToArray();
            correct = predicted.eq(labels.cpu()).data<bool>().ToArray();
        }
        var count = new int[bins];
        var confidenceSum = new double[bins];
        var correctCount = new int[bins];
        for (var i = 0; i < confidence.Length; i++)
        {
            var bin = Math.Clamp((int)Math.Ceiling(confidence[i] * bins) - 1, 0, bins - 1);
            count[bin]++;
            confidenceSum[bin] += confidence[i];
            if (correct[i])
                correctCount[bin]++;
        }
        var ece = 0.0;
        for (var bin = 0; bin < bins; bin++)
            if (count[bin] > 0)
                ece += (double)count[bin] / confidence.Length
                    * Math.Abs((double)correctCount[bin] / count[bin] - confidenceSum[bin] / count[bin]);
        return ece;
    }
}
