using TorchSharp;

namespace LotteryActors.Training.Tests.NativeCompat;

/// <summary>
/// Fails with "GLIBCXX_3.4.32 not found" on pre-GCC-13 hosts unless the build weakened that need
/// in this test project's copy of libLibTorchSharp.so.
/// </summary>
public sealed class TorchSharpLoadsTests
{
    [Fact]
    public void Matmul_runs_through_the_native_library()
    {
        using var ones = torch.ones(2, 2);
        using var threes = torch.full(2, 2, 3f);
        using var product = ones.matmul(threes);
        using var sum = product.sum();

        Assert.Equal(24f, sum.item<float>());
    }
}
