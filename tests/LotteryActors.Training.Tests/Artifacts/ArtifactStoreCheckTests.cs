using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Artifacts;

/// <summary>What each depth of <see cref="ArtifactStore.Check"/> finds in files damaged as disks damage them.</summary>
public sealed class ArtifactStoreCheckTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ArtifactStore store;
    private readonly string hash;

    public ArtifactStoreCheckTests()
    {
        store = new ArtifactStore(Path.Combine(temp.Path, "artifacts"));
        var tensors = new Dictionary<string, Tensor>
        {
            ["w"] = tensor(new[] { 0.5f, -1f, 2f, 4f }, [2, 2]),
            ["m"] = tensor(new[] { true, false, true }),
        };
        hash = store.Put(tensors, new Dictionary<string, string> { ["kind"] = "weights" });
        TensorAssert.DisposeAll(tensors);
    }

    public void Dispose() => temp.Dispose();

    private void Rewrite(Func<byte[], byte[]> damage) =>
        File.WriteAllBytes(store.PathOf(hash), damage(File.ReadAllBytes(store.PathOf(hash))));

    [Theory]
    [InlineData(ArtifactCheck.Layout)]
    [InlineData(ArtifactCheck.Content)]
    public void A_file_as_stored_is_intact(ArtifactCheck check) =>
        Assert.Equal(ArtifactCondition.Intact, store.Check(hash, check));

    [Theory]
    [InlineData(ArtifactCheck.Layout)]
    [InlineData(ArtifactCheck.Content)]
    public void A_deleted_file_is_missing(ArtifactCheck check)
    {
        File.Delete(store.PathOf(hash));

        Assert.Equal(ArtifactCondition.Missing, store.Check(hash, check));
    }

    [Fact]
    public void An_artifact_whose_folder_is_gone_is_missing() =>
        Assert.Equal(ArtifactCondition.Missing, store.Check(new string('f', 64), ArtifactCheck.Layout));

    [Theory]
    [InlineData(ArtifactCheck.Layout)]
    [InlineData(ArtifactCheck.Content)]
    public void A_truncated_file_is_corrupt(ArtifactCheck check)
    {
        Rewrite(bytes => bytes[..^1]);

        Assert.Equal(ArtifactCondition.Corrupt, store.Check(hash, check));
    }

    [Theory]
    [InlineData(ArtifactCheck.Layout)]
    [InlineData(ArtifactCheck.Content)]
    public void A_file_with_bytes_appended_is_corrupt(ArtifactCheck check)
    {
        Rewrite(bytes => [.. bytes, 0]);

        Assert.Equal(ArtifactCondition.Corrupt, store.Check(hash, check));
    }

    [Theory]
    [InlineData(ArtifactCheck.Layout)]
    [InlineData(ArtifactCheck.Content)]
    public void A_file_with_a_damaged_header_is_corrupt(ArtifactCheck check)
    {
        Rewrite(bytes =>
        {
            bytes[8] = (byte)'[';
            return bytes;
        });

        Assert.Equal(ArtifactCondition.Corrupt, store.Check(hash, check));
    }

    [Fact]
    public void A_header_that_misstates_a_tensors_size_is_corrupt_to_the_layout_check()
    {
        // Shape [2, 2] becomes [2, 3]: the header no longer accounts for the data, though the file keeps its length.
        Rewrite(bytes =>
        {
            var text = System.Text.Encoding.ASCII.GetString(bytes);
            var at = text.IndexOf("[2,2]", StringComparison.Ordinal);
            bytes[at + 3] = (byte)'3';
            return bytes;
        });

        Assert.Equal(ArtifactCondition.Corrupt, store.Check(hash, ArtifactCheck.Layout));
    }

    [Fact]
    public void A_flipped_bit_in_the_data_is_found_by_hashing_only()
    {
        Rewrite(bytes =>
        {
            bytes[^2] ^= 0x10;
            return bytes;
        });

        Assert.Equal(ArtifactCondition.Intact, store.Check(hash, ArtifactCheck.Layout));
        Assert.Equal(ArtifactCondition.Corrupt, store.Check(hash, ArtifactCheck.Content));
    }
}
