using LotteryActors.Training.Data;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private static readonly byte[] TwoImages = IdxBytes.Images(2, 3, 4, (image, pixel) => (byte)(image * 100 + pixel));

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Reads_a_raw_image_file()
    {
        var contents = IdxFile.Read(temp.Write("images", TwoImages));

        Assert.Equal([2, 3, 4], contents.Shape);
        Assert.Equal(Enumerable.Range(0, 12).Concat(Enumerable.Range(100, 12)).Select(v => (byte)v), contents.Data);
    }

    [Fact]
    public void Reads_a_gzip_file_as_its_raw_twin()
    {
        var raw = IdxFile.Read(temp.Write("images", TwoImages));
        var gzip = IdxFile.Read(temp.Write("images.gz", IdxBytes.Gzip(TwoImages)));

        Assert.Equal(raw.Shape, gzip.Shape);
        Assert.Equal(raw.Data, gzip.Data);
    }

    [Fact]
    public void Reads_a_label_file()
    {
        var contents = IdxFile.Read(temp.Write("labels", IdxBytes.Labels([7, 0, 9])));

        Assert.Equal([3], contents.Shape);
        Assert.Equal([7, 0, 9], contents.Data);
    }

    [Fact]
    public void Missing_file_is_reported_as_not_found()
    {
        var path = Path.Combine(temp.Path, "absent");

        var error = Assert.Throws<DatasetFormatException>(() => IdxFile.Read(path));

        Assert.Equal($"dataset file not found: {path}", error.Message);
    }

    [Fact]
    public void Truncated_data_is_reported_as_truncated()
    {
        var path = temp.Write("images", TwoImages[..^1]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: truncated while reading the data", error.Message);
    }

    [Fact]
    public void Truncated_header_is_reported_as_truncated()
    {
        var path = temp.Write("images", TwoImages[..10]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: truncated while reading the dimension 1", error.Message);
    }

    [Fact]
    public void Truncated_gzip_file_is_refused()
    {
        var gzip = IdxBytes.Gzip(TwoImages);
        var path = temp.Write("images.gz", gzip[..(gzip.Length / 2)]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxFile.Read(path));

        Assert.StartsWith($"{path}: ", error.Message);
    }

    [Theory]
    [InlineData(0x00000903)]
    [InlineData(0x03080000)]
    [InlineData(0x00000800)]
    [InlineData(0x00000805)]
    [InlineData(0x01000803)]
    public void Wrong_magic_is_reported_with_the_number_found(int magic)
    {
        var path = temp.Write("images", IdxBytes.Of(magic, [1], [0]));

        var error = Assert.Throws<DatasetFormatException>(() => IdxFile.Read(path));

        Assert.Contains($"wrong magic number {magic:X8}", error.Message);
    }

    [Fact]
    public void Zero_dimension_is_refused()
    {
        var path = temp.Write("labels", IdxBytes.Of(IdxBytes.LabelsMagic, [0], []));

        var error = Assert.Throws<DatasetFormatException>(() => IdxFile.Read(path));

        Assert.Contains("dimension 0 is 0", error.Message);
    }
}
