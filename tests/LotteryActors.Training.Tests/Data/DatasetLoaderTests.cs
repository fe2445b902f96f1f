using LotteryActors.Training.Data;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Data;

public sealed class DatasetLoaderTests : IDisposable
{
    private const int Plane = 28 * 28;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static byte Pixel(int image, int pixel) => (byte)((image * 37 + pixel * 11) % 256);

    private static byte TrainLabel(int image) => (byte)(image % 10);

    private static byte TestLabel(int image) => (byte)(9 - image % 10);

    /// <summary>An MNIST-layout directory: train images gzipped (as Debian ships them), test images raw.</summary>
    private void WriteMnist(int train = 30, int test = 10, int rows = 28, byte? badLabel = null, int? trainLabels = null)
    {
        var labels = Enumerable.Range(0, trainLabels ?? train).Select(TrainLabel).ToArray();
        if (badLabel is { } bad)
            labels[^1] = bad;
        temp.Write("train-images-idx3-ubyte.gz", IdxBytes.Gzip(IdxBytes.Images(train, rows, 28, Pixel)));
        temp.Write("train-labels-idx1-ubyte.gz", IdxBytes.Gzip(IdxBytes.Labels(labels)));
        temp.Write("t10k-images-idx3-ubyte", IdxBytes.Images(test, rows, 28, (i, p) => Pixel(i + 1000, p)));
        temp.Write("t10k-labels-idx1-ubyte", IdxBytes.Labels(Enumerable.Range(0, test).Select(TestLabel).ToArray()));
    }

    private DatasetSpec Mnist(int validation = 5, int trainSubset = 0, int testSubset = 0) =>
        new(DatasetName.Mnist, temp.Path, validation, trainSubset, testSubset);

    [Fact]
    public void Splits_the_training_set_into_fit_and_validation()
    {
        WriteMnist();

        using var splits = DatasetLoader.Load(Mnist());

        Assert.Equal([25, 1, 28, 28], splits.Train.Images.shape);
        Assert.Equal([5, 1, 28, 28], splits.Validation.Images.shape);
        Assert.Equal([10, 1, 28, 28], splits.Test.Images.shape);
        Assert.Equal(25, splits.Train.Count);
        Assert.Equal([1, 28, 28], splits.ExampleShape);
        Assert.Equal(10, splits.Classes);
        Assert.Equal(ScalarType.Float32, splits.Train.Images.dtype);
        Assert.Equal(ScalarType.Int64, splits.Train.Labels.dtype);
    }

    [Fact]
    public void Validation_is_the_last_examples_of_the_training_set()
    {
        WriteMnist();

        using var splits = DatasetLoader.Load(Mnist());

        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)TrainLabel(i)), TensorAssert.Longs(splits.Train.Labels));
        Assert.Equal(Enumerable.Range(25, 5).Select(i => (long)TrainLabel(i)), TensorAssert.Longs(splits.Validation.Labels));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)TestLabel(i)), TensorAssert.Longs(splits.Test.Labels));
    }

    [Fact]
    public void Normalises_every_split_with_the_fit_pixels_statistics()
    {
        WriteMnist();
        var fitPixels = Enumerable.Range(0, 25 * Plane).Select(i => Pixel(i / Plane, i % Plane) / 255.0).ToArray();
        var mean = fitPixels.Average();
        var std = Math.Sqrt(fitPixels.Select(v => (v - mean) * (v - mean)).Average());

        using var splits = DatasetLoader.Load(Mnist());

        var validation = TensorAssert.Values(splits.Validation.Images);
        var test = TensorAssert.Values(splits.Test.Images);
        for (var i = 0; i < 5 * Plane; i += 97)
            Assert.Equal((Pixel(25 + i / Plane, i % Plane) / 255.0 - mean) / std, validation[i], 4);
        for (var i = 0; i < 10 * Plane; i += 97)
            Assert.Equal((Pixel(1000 + i / Plane, i % Plane) / 255.0 - mean) / std, test[i], 4);
    }

    [Fact]
    public void Normalisation_states_the_constants_and_splits_Load_uses()
    {
        WriteMnist();

        var n = DatasetLoader.Normalisation(Mnist(validation: 4, trainSubset: 20, testSubset: 6));
        using var splits = DatasetLoader.Load(Mnist(validation: 4, trainSubset: 20, testSubset: 6));

        Assert.Equal((16, 4, 6), (n.Fit, n.Validation, n.Test));
        Assert.Equal([1, 28, 28], n.ExampleShape);
        Assert.Equal(splits.Fingerprint, n.Fingerprint);
        // Another framework applying the stated formula in float32 gets the very inputs the trainer saw.
        using var pixels = tensor(Enumerable.Range(0, 6 * Plane).Select(i => Pixel(1000 + i / Plane, i % Plane))
            .ToArray()).reshape(6, 1, 28, 28);
        using var inputs = pixels.to(ScalarType.Float32).div(255f).sub(n.Mean[0]).div(n.Std[0]);
        Assert.True(TensorAssert.SameBits(splits.Test.Images, inputs), "the stated normalisation is not Load's");
    }

    [Fact]
    public void Fit_images_have_zero_mean_and_unit_variance()
    {
        WriteMnist();

        using var splits = DatasetLoader.Load(Mnist());

        using var mean = splits.Train.Images.mean();
        using var std = splits.Train.Images.std(unbiased: false);
        Assert.Equal(0, mean.item<float>(), 4);
        Assert.Equal(1, std.item<float>(), 4);
    }

    [Fact]
    public void Subsets_take_the_first_examples_and_carve_validation_from_them()
    {
        WriteMnist();

        using var splits = DatasetLoader.Load(Mnist(validation: 5, trainSubset: 20, testSubset: 4));

        Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)TrainLabel(i)), TensorAssert.Longs(splits.Train.Labels));
        Assert.Equal(Enumerable.Range(15, 5).Select(i => (long)TrainLabel(i)), TensorAssert.Longs(splits.Validation.Labels));
        Assert.Equal(4, splits.Test.Count);
    }

    [Fact]
    public void Loading_twice_gives_identical_tensors()
    {
        WriteMnist();

        using var first = DatasetLoader.Load(Mnist());
        using var second = DatasetLoader.Load(Mnist());

        Assert.True(TensorAssert.SameBits(first.Train.Images, second.Train.Images));
        Assert.True(TensorAssert.SameBits(first.Validation.Images, second.Validation.Images));
        Assert.True(TensorAssert.SameBits(first.Test.Images, second.Test.Images));
    }

    [Theory]
    [InlineData(30, 0)]
    [InlineData(31, 0)]
    [InlineData(10, 10)]
    public void Refuses_a_validation_split_that_leaves_no_training_data(int validation, int trainSubset)
    {
        WriteMnist();

        var error = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(Mnist(validation, trainSubset)));

        Assert.Contains("leaves no training data", error.Message);
    }

    [Fact]
    public void Refuses_a_label_above_nine()
    {
        WriteMnist(badLabel: 10);

        var error = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(Mnist()));

        Assert.Contains("train labels contain a value above 9", error.Message);
    }

    [Fact]
    public void Refuses_images_that_are_not_28_by_28()
    {
        WriteMnist(rows: 27);

        var error = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(Mnist()));

        Assert.Contains("train images have shape [30,27,28]; expected [N,28,28]", error.Message);
    }

    [Fact]
    public void Refuses_more_images_than_labels()
    {
        WriteMnist(trainLabels: 29);

        var error = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(Mnist()));

        Assert.Contains("train has 30 images but 29 labels", error.Message);
    }

    [Fact]
    public void Names_the_missing_file()
    {
        WriteMnist();
        File.Delete(Path.Combine(temp.Path, "t10k-labels-idx1-ubyte"));

        var error = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(Mnist()));

        Assert.Equal($"dataset file not found: {Path.Combine(temp.Path, "t10k-labels-idx1-ubyte")}[.gz]", error.Message);
    }

    [Fact]
    public void Loads_CIFAR10_with_per_channel_normalisation()
    {
        for (var batch = 1; batch <= 5; batch++)
            temp.Write($"data_batch_{batch}.bin", CifarBytes.Batch([(byte)batch, 0], fill: (byte)(batch * 10)));
        temp.Write("test_batch.bin", CifarBytes.Batch([4, 5, 6]));

        using var splits = DatasetLoader.Load(new DatasetSpec(DatasetName.Cifar10, temp.Path, 2, 0, 0));

        Assert.Equal([8, 3, 32, 32], splits.Train.Images.shape);
        Assert.Equal([2, 3, 32, 32], splits.Validation.Images.shape);
        Assert.Equal([4, 5, 6], TensorAssert.Longs(splits.Test.Labels));
        Assert.Equal([5, 0], TensorAssert.Longs(splits.Validation.Labels));
        using var channelMeans = splits.Train.Images.mean([0, 2, 3]);
        using var channelStds = splits.Train.Images.std([0, 2, 3], unbiased: false);
        Assert.All(TensorAssert.Values(channelMeans), m => Assert.Equal(0, m, 4));
        Assert.All(TensorAssert.Values(channelStds), s => Assert.Equal(1, s, 4));
    }
}
