using LotteryActors.Training.Spec;
using TorchSharp;
using static TorchSharp.torch;

namespace LotteryActors.Training.Data;

/// <summary>
/// Turns dataset files into normalised tensors and carves the validation split off the end of the training set,
/// so the split is the same on every node and every run.
/// </summary>
public static class DatasetLoader
{
    /// <summary>Every dataset read here has ten classes (Fashion-MNIST, MNIST, CIFAR-10).</summary>
    public const int Classes = 10;

    public static DatasetSplits Load(DatasetSpec spec, Device? device = null)
    {
        var (train, test, channels, size) = Read(spec);
        var n = Normalise(spec, train, test, channels, size);
        return new DatasetSplits(
            ToTensors(train, 0, n.Fit, channels, size, n.Mean, n.Std, device),
            ToTensors(train, n.Fit, n.Validation, channels, size, n.Mean, n.Std, device),
            ToTensors(test, 0, n.Test, channels, size, n.Mean, n.Std, device),
            Classes,
            n.Fingerprint);
    }

    /// <summary>The constants and splits <see cref="Load"/> normalises with, without building the tensors: what an
    /// exported ticket's card tells another framework.</summary>
    public static PixelNormalisation Normalisation(DatasetSpec spec)
    {
        var (train, test, channels, size) = Read(spec);
        return Normalise(spec, train, test, channels, size);
    }

    private static (RawSplit Train, RawSplit Test, int Channels, int Size) Read(DatasetSpec spec) => spec.Name switch
    {
        DatasetName.Cifar10 => ReadCifar10(spec.Path),
        _ => ReadIdx(spec.Path),
    };

    private static PixelNormalisation Normalise(DatasetSpec spec, RawSplit train, RawSplit test, int channels,
        int size)
    {
        var trainCount = train.Labels.Length;
        if (spec.TrainSubset > 0)
            trainCount = Math.Min(trainCount, spec.TrainSubset);
        if (spec.ValidationSize >= trainCount)
            throw new DatasetFormatException(
                $"validation-size {spec.ValidationSize} leaves no training data out of {trainCount} training examples");
        var testCount = spec.TestSubset > 0 ? Math.Min(test.Labels.Length, spec.TestSubset) : test.Labels.Length;

        var fitCount = trainCount - spec.ValidationSize;
        var (mean, std) = PixelStatistics(train.Pixels, fitCount, channels, size);
        return new PixelNormalisation(mean, std, [channels, size, size], fitCount, spec.ValidationSize, testCount,
            DatasetFingerprint.Of(train.Pixels, train.Labels, test.Pixels, test.Labels));
    }

    /// <summary>
    /// The sizes of the training and test sets from the files' headers (IDX) or lengths (CIFAR-10), so a spec can
    /// be checked against its dataset in milliseconds, before anything is started or written.
    /// </summary>
    public static DatasetSize Measure(DatasetSpec spec) => spec.Name switch
    {
        DatasetName.Cifar10 => new DatasetSize(
            Cifar10File.CountRecords(CifarTrainFiles(spec.Path)), Cifar10File.CountRecords([CifarTestFile(spec.Path)])),
        _ => new DatasetSize(
            IdxFile.ReadShape(Locate(spec.Path, "train-labels-idx1-ubyte"))[0],
            IdxFile.ReadShape(Locate(spec.Path, "t10k-labels-idx1-ubyte"))[0]),
    };

    private sealed record RawSplit(byte[] Pixels, byte[] Labels);

    private static (RawSplit Train, RawSplit Test, int Channels, int Size) ReadIdx(string dir)
    {
        RawSplit Read(string prefix)
        {
            var images = IdxFile.Read(Locate(dir, $"{prefix}-images-idx3-ubyte"));
            var labels = IdxFile.Read(Locate(dir, $"{prefix}-labels-idx1-ubyte"));
            if (images.Shape.Length != 3 || images.Shape[1] != 28 || images.Shape[2] != 28)
                throw new DatasetFormatException($"{dir}: {prefix} images have shape [{string.Join(",", images.Shape)}]; expected [N,28,28]");
            if (labels.Shape.Length != 1 || labels.Shape[0] != images.Shape[0])
                throw new DatasetFormatException($"{dir}: {prefix} has {images.Shape[0]} images but {labels.Shape[0]} labels");
            if (labels.Data.Any(l => l > 9))
                throw new DatasetFormatException($"{dir}: {prefix} labels contain a value above 9");
            return new RawSplit(images.Data, labels.Data);
        }
        return (Read("train"), Read("t10k"), 1, 28);
    }

    /// <summary>Accepts the gzip files Debian ships and their unpacked twins.</summary>
    private static string Locate(string dir, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem })
        {
            var path = System.IO.Path.Combine(dir, candidate);
            if (File.Exists(path))
                return path;
        }
        throw new DatasetFormatException($"dataset file not found: {System.IO.Path.Combine(dir, stem)}[.gz]");
    }

    private static (RawSplit Train, RawSplit Test, int Channels, int Size) ReadCifar10(string dir)
    {
        var (trainImages, trainLabels) = Cifar10File.Read(CifarTrainFiles(dir));
        var (testImages, testLabels) = Cifar10File.Read([CifarTestFile(dir)]);
        return (new RawSplit(trainImages, trainLabels), new RawSplit(testImages, testLabels), 3, 32);
    }

    private static List<string> CifarTrainFiles(string dir) =>
        Enumerable.Range(1, 5).Select(i => System.IO.Path.Combine(dir, $"data_batch_{i}.bin")).ToList();

    private static string CifarTestFile(string dir) => System.IO.Path.Combine(dir, "test_batch.bin");

    /// <summary>Per-channel mean and standard deviation of the training pixels, scaled to [0, 1].</summary>
    private static (float[] Mean, float[] Std) PixelStatistics(byte[] pixels, int count, int channels, int size)
    {
        var plane = size * size;
        var mean = new float[channels];
        var std = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            double sum = 0, sumSquares = 0;
            for (var i = 0; i < count; i++)
            {
                var start = (i * channels + c) * plane;
                for (var j = 0; j < plane; j++)
                {
                    var v = pixels[start + j] / 255.0;
                    sum += v;
                    sumSquares += v * v;
                }
            }
            var n = (double)count * plane;
            mean[c] = (float)(sum / n);
            std[c] = (float)Math.Sqrt(Math.Max(sumSquares / n - (sum / n) * (sum / n), 1e-12));
        }
        return (mean, std);
    }

    private static LabeledTensors ToTensors(RawSplit raw, int start, int count, int channels, int size, float[] mean, float[] std, Device? device)
    {
        var exampleBytes = channels * size * size;
        using var scope = NewDisposeScope();
        var bytes = raw.Pixels.AsSpan(start * exampleBytes, count * exampleBytes).ToArray();
        var images = tensor(bytes, [count, channels, size, size]).to(ScalarType.Float32).div_(255f);
        var meanT = tensor(mean).reshape(1, channels, 1, 1);
        var stdT = tensor(std).reshape(1, channels, 1, 1);
        images = images.sub_(meanT).div_(stdT);
        var labels = tensor(raw.Labels.AsSpan(start, count).ToArray()).to(ScalarType.Int64);
        if (device is not null)
        {
            images = images.to(device);
            labels = labels.to(device);
        }
        return new LabeledTensors(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
