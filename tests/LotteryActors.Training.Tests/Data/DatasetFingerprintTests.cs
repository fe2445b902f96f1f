using LotteryActors.Training.Data;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Data;

/// <summary>
/// A dataset's fingerprint follows its content: a gzip file and its unpacked twin agree, one changed label does
/// not, and splits made in memory are fingerprinted by their tensors.
/// </summary>
public sealed class DatasetFingerprintTests : IDisposable
{
    private readonly TempDirectory packed = new();
    private readonly TempDirectory unpacked = new();

    public void Dispose()
    {
        packed.Dispose();
        unpacked.Dispose();
    }

    private static byte[] Labels(int count, int changed = -1) => IdxBytes.Labels(Enumerable.Range(0, count)
        .Select(i => (byte)(i == changed ? (i + 1) % 10 : i % 10)).ToArray());

    private static void WriteMnist(TempDirectory folder, bool gzip, int changedLabel = -1)
    {
        byte[] Pack(byte[] raw) => gzip ? IdxBytes.Gzip(raw) : raw;
        var suffix = gzip ? ".gz" : "";
        folder.Write("train-images-idx3-ubyte" + suffix, Pack(IdxBytes.Images(30, 28, 28, (i, p) => (byte)(i + p))));
        folder.Write("train-labels-idx1-ubyte" + suffix, Pack(Labels(30, changedLabel)));
        folder.Write("t10k-images-idx3-ubyte" + suffix, Pack(IdxBytes.Images(10, 28, 28, (i, p) => (byte)(i * p))));
        folder.Write("t10k-labels-idx1-ubyte" + suffix, Pack(Labels(10)));
    }

    private static string FingerprintOf(TempDirectory folder)
    {
        using var splits = DatasetLoader.Load(new DatasetSpec(DatasetName.Mnist, folder.Path, 5, 0, 0));
        return splits.Fingerprint;
    }

    [Fact]
    public void A_gzip_copy_and_an_unpacked_copy_of_the_same_data_have_one_fingerprint()
    {
        WriteMnist(packed, gzip: true);
        WriteMnist(unpacked, gzip: false);

        Assert.Matches("^[0-9a-f]{64}$", FingerprintOf(packed));
        Assert.Equal(FingerprintOf(packed), FingerprintOf(unpacked));
    }

    [Fact]
    public void One_changed_label_changes_the_fingerprint()
    {
        WriteMnist(packed, gzip: true);
        WriteMnist(unpacked, gzip: true, changedLabel: 17);

        Assert.NotEqual(FingerprintOf(packed), FingerprintOf(unpacked));
    }

    [Fact]
    public void Splits_made_in_memory_are_fingerprinted_by_their_tensors()
    {
        using var first = SyntheticData.Splits(seed: 11);
        using var same = SyntheticData.Splits(seed: 11);
        using var other = SyntheticData.Splits(seed: 12);

        Assert.Equal(first.Fingerprint, same.Fingerprint);
        Assert.NotEqual(first.Fingerprint, other.Fingerprint);
    }
}
