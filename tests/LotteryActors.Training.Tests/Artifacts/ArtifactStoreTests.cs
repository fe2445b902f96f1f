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
    public void Put_returns_the_SHA256_of_the_stored_file()
    {
        var hash = store.Put(tensors);

        var path = store.PathOf(hash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), hash);
        Assert.Equal(Path.Combine(store.Root, hash[..2], hash + ".safetensors"), path);
        Assert.Equal(SafeTensors.Serialize(tensors), File.ReadAllBytes(path));
    }

    [Fact]
    public void Putting_the_same_content_twice_keeps_one_file()
    {
        var first = store.Put(tensors);
        var second = store.Put(tensors);

        Assert.Equal(first, second);
        Assert.Single(StoredFiles());
    }

    [Fact]
    public void Metadata_is_part_of_the_content()
    {
        Assert.NotEqual(store.Put(tensors), store.Put(tensors, new Dictionary<string, string> { ["kind"] = "mask" }));
    }

    [Fact]
    public void Get_returns_what_was_put()
    {
        var back = store.Get(store.Put(tensors));

        TensorAssert.BitwiseEqual(tensors, back);
        TensorAssert.DisposeAll(back);
    }

    [Fact]
    public void Leaves_no_temporary_files()
    {
        store.Put(tensors);
        store.Put(tensors);

        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Get_refuses_a_file_with_a_flipped_byte()
    {
        var hash = store.Put(tensors);
        var bytes = File.ReadAllBytes(store.PathOf(hash));
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(store.PathOf(hash), bytes);

        var error = Assert.Throws<CorruptArtifactException>(() => store.Get(hash));

        Assert.Contains("is corrupt", error.Message);
    }

    [Fact]
    public void Get_refuses_a_missing_artifact()
    {
        var hash = new string('a', 64);

        var error = Assert.Throws<CorruptArtifactException>(() => store.Get(hash));

        Assert.Contains($"artifact {hash} is missing", error.Message);
        Assert.False(store.Contains(hash));
    }

    [Fact]
    public void Put_repairs_a_corrupted_file()
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
    public void Get_refuses_an_intact_file_that_is_not_safetensors(byte[] bytes)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Directory.CreateDirectory(Path.GetDirectoryName(store.PathOf(hash))!);
        File.WriteAllBytes(store.PathOf(hash), bytes);

        var error = Assert.Throws<CorruptArtifactException>(() => store.Get(hash));

        Assert.Contains("is not a valid safetensors file", error.Message);
    }
}
