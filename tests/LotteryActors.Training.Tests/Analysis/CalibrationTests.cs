using LotteryActors.Training.Analysis;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Analysis;

public sealed class CalibrationTests
{
    // Confidences 0.90 (right) and 0.92 (wrong) share bin (13/15, 14/15]; 0.62 (right) sits in (9/15, 10/15];
    // 0.45 (wrong, predicted class 2) in (6/15, 7/15].
    private static Tensor HandProbabilities() => tensor(new[]
    {
        0.90, 0.05, 0.05,
        0.92, 0.04, 0.04,
        0.10, 0.62, 0.28,
        0.30, 0.25, 0.45,
    }, [4, 3]);

    private static Tensor HandLabels() => HandTensors.Labels(0, 1, 1, 0);

    [Fact]
    public void Ece_weighs_each_bins_accuracy_confidence_gap_by_its_share_of_examples()
    {
        using var probabilities = HandProbabilities();
        using var labels = HandLabels();

        // 2/4 * |0.5 - 0.91| + 1/4 * |1 - 0.62| + 1/4 * |0 - 0.45|
        Assert.Equal(0.4125, Calibration.ExpectedCalibrationError(probabilities, labels), 12);
    }

    [Fact]
    public void One_bin_compares_overall_accuracy_with_mean_confidence()
    {
        using var probabilities = HandProbabilities();
        using var labels = HandLabels();

        Assert.Equal(Math.Abs(0.5 - 0.7225), Calibration.ExpectedCalibrationError(probabilities, labels, bins: 1), 12);
    }

    [Fact]
    public void Certain_and_right_is_perfectly_calibrated()
    {
        using var probabilities = tensor(new[] { 1.0, 0, 0, 1 }, [2, 2]);
        using var labels = HandTensors.Labels(0, 1);

        Assert.Equal(0.0, Calibration.ExpectedCalibrationError(probabilities, labels));
    }
}
