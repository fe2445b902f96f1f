using System.Security.Cryptography;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Artifacts;

public sealed class ArtifactStoreTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ArtifactStore store;
    private readonly Dictionary<string, Tensor> tensors = new()
    {
        ["w"] = tensor(new[] { 0.5f, -1f, 2f, 4f }, [2, 2]),
        ["m"] = tensor(new[] { true, false }),
    };

    public ArtifactStoreTests() => store = new ArtifactStore(Path.Combine(temp.Path, "artifacts"));

    public void Dispose()
    {
        TensorAssert.DisposeAll(tensors);
        temp.Dispose();
    }

    private string[] StoredFiles() => Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories);

    [Fact]
    public void PutReturnsTheSha256OfTheStoredFile()
    {
        var hash = store.Put(tensors);

        var path = store.PathOf(hash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), hash);
        Assert.Equal(Path.Combine(store.Root, hash[..2], hash + ".safetensors"), path);
        Assert.Equal(SafeTensors.Serialize(tensors), File.ReadAllBytes(path));
    }

    [Fact]
    public void PuttingTheSameContentTwiceKeepsOneFile()
    {
        var first = store.Put(tensors);
        var second = store.Put(tensors);

        Assert.Equal(first, second);
        Assert.Single(StoredFiles());
    }

    [Fact]
    public void MetadataIsPartOfTheContent()
    {
        Assert.NotEqual(store.Put(tensors), store.Put(tensors, new Dictionary<string, string> { ["kind"] = "mask" }));
    }

    [Fact]
    public void GetReturnsWhatWasPut()
    {
        var back = store.Get(store.Put(tensors));

        TensorAssert.BitwiseEqual(tensors, back);
        TensorAssert.DisposeAll(back);
    }

    [Fact]
    public void LeavesNoTemporaryFiles()
    {
        store.Put(tensors);
        store.Put(tensors);

        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void GetRefusesAFileWithAFlippedByte()
    {
        var hash = store.Put(tensors);
        var bytes = File.ReadAllBytes(store.PathOf(hash));
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(store.PathOf(hash), bytes);

        var error = Assert.Throws<CorruptArtifactException>(() => store.Get(hash));

        Assert.Contains("is corrupt", error.Message);
    }

    [Fact]
    public void GetRefusesAMissingArtifact()
    {
        var hash = new string('a', 64);

        var error = Assert.Throws<CorruptArtifactException>(() => store.Get(hash));

        Assert.Contains($"artifact {hash} is missing", error.Message);
        Assert.False(store.Contains(hash));
    }

    [Fact]
    public void PutRepairsACorruptedFile()
    {
        var hash = store.Put(tensors);
        File.WriteAllBytes(store.PathOf(hash), [1, 2, 3]);

        Assert.Equal(hash, store.Put(tensors));

        var back = store.Get(hash);
        TensorAssert.BitwiseEqual(tensors, back);
        TensorAssert.DisposeAll(back);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x' })]
    [InlineData(new byte[] { 7, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'"', (byte)'x', (byte)'"', (byte)':', (byte)'5', (byte)'}' })]
    public void GetRefusesAnIntactFileThatIsNotSafetensors(byte[] bytes)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Directory.CreateDirectory(Path.GetDirectoryName(store.PathOf(hash))!);
        File.WriteAllBytes(store.PathOf(hash), bytes);

        var error = Assert.Throws<CorruptArtifactException>(() => store.Get(hash));

        Assert.Contains("is not a valid safetensors file", error.Message);
    }
}
