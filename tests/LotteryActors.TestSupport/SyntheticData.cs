using LotteryActors.Training.Data;
using static TorchSharp.torch;

namespace LotteryActors.TestSupport;

/// <summary>
/// Tiny learnable datasets built straight from random tensors: images [N, 1, 6, 6] (or another shape: Conv-6 needs
/// 8 x 8 to pool three times) whose labels come from a fixed random linear teacher, so a small network can fit them
/// in a few dozen iterations.
/// </summary>
public static class SyntheticData
{
    public static readonly long[] ExampleShape = [1, 6, 6];
    public const int Classes = 10;

    public static DatasetSplits Splits(int train = 200, int validation = 40, int test = 40, long seed = 11,
        long[]? exampleShape = null)
    {
        var shape = exampleShape ?? ExampleShape;
        using var generator = new Generator((ulong)seed);
        using var teacher = randn([shape.Aggregate(1L, (a, b) => a * b), Classes], generator: generator);
        return new DatasetSplits(
            Labeled(train, shape, teacher, generator),
            Labeled(validation, shape, teacher, generator),
            Labeled(test, shape, teacher, generator),
            Classes);
    }

    private static LabeledTensors Labeled(int count, long[] shape, Tensor teacher, Generator generator)
    {
        using var scope = NewDisposeScope();
        var images = randn([count, .. shape], generator: generator);
        var labels = images.flatten(1).matmul(teacher).argmax(1);
        return new LabeledTensors(images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
