using LotteryActors.Training.Data;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Data;

public sealed class Cifar10FileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Reads_labels_and_images_of_all_batches_in_order()
    {
        var first = temp.Write("a.bin", CifarBytes.Batch([3, 9], fill: 10));
        var second = temp.Write("b.bin", CifarBytes.Batch([0], fill: 50));

        var (images, labels) = Cifar10File.Read([first, second]);

        Assert.Equal([3, 9, 0], labels);
        Assert.Equal(3 * Cifar10File.ImageBytes, images.Length);
        Assert.Equal([10, 50, 90], FirstPixelOfEachChannel(images, 0));
        Assert.Equal([11, 51, 91], FirstPixelOfEachChannel(images, 1));
        Assert.Equal([50, 90, 130], FirstPixelOfEachChannel(images, 2));
    }

    [Fact]
    public void Keeps_the_pixel_order_of_a_record()
    {
        var batch = CifarBytes.Batch([1]);
        batch[1] = 200;
        batch[^1] = 201;

        var (images, _) = Cifar10File.Read([temp.Write("a.bin", batch)]);

        Assert.Equal(200, images[0]);
        Assert.Equal(201, images[^1]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Refuses_a_partial_record(int extraBytes)
    {
        var path = temp.Write("a.bin", new byte[2 * CifarBytes.RecordBytes + extraBytes]);

        var error = Assert.Throws<DatasetFormatException>(() => Cifar10File.Read([path]));

        Assert.Contains("truncated?", error.Message);
    }

    [Fact]
    public void Refuses_an_empty_file()
    {
        var path = temp.Write("a.bin", []);

        Assert.Throws<DatasetFormatException>(() => Cifar10File.Read([path]));
    }

    [Fact]
    public void Refuses_a_label_above_nine()
    {
        var path = temp.Write("a.bin", CifarBytes.Batch([9, 10]));

        var error = Assert.Throws<DatasetFormatException>(() => Cifar10File.Read([path]));

        Assert.Equal($"{path}: label 10 at byte {CifarBytes.RecordBytes}; CIFAR-10 labels are 0..9", error.Message);
    }

    [Fact]
    public void Reports_a_missing_batch()
    {
        var path = Path.Combine(temp.Path, "data_batch_1.bin");

        var error = Assert.Throws<DatasetFormatException>(() => Cifar10File.Read([path]));

        Assert.Equal($"dataset file not found: {path}", error.Message);
    }

    private static byte[] FirstPixelOfEachChannel(byte[] images, int record) =>
        [.. Enumerable.Range(0, 3).Select(c => images[record * Cifar10File.ImageBytes + c * 1024])];
}
