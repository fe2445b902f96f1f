using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace LotteryActors.Training.Models;

/// <summary>
/// 2x2 max-pooling with stride 2 (floor mode), bit for bit libtorch's <c>max_pool2d(x, 2)</c> in values and in
/// gradient, at a fraction of its cost on the CPU. libtorch 2.10's channels-first CPU kernel took 24-26 ms a step
/// for Conv-2's [60, 64, 28, 28] activations, half of what the 64-channel convolution before it took, and as long
/// again in every evaluation (docs/results.md, "Where a conv step's time goes").
/// Here the index of each window's maximum is found by a plain loop over the tensor's memory, with libtorch's rule
/// (windows scanned row by row; a later element wins only if greater, or if it is NaN; all -inf keeps the first),
/// and the output is a <c>gather</c> at those indices: its values are the very elements max-pooling returns, and its
/// backward pass adds each output's gradient to a zeroed tensor at its window's index, as libtorch's max-pooling
/// backward does. Windows do not overlap, so no element receives two gradients and no sum can round differently.
/// Anything that is not a contiguous float32 CPU tensor of [N, C, H, W] takes libtorch's own kernel.
/// </summary>
public static class MaxPool2x2
{
    public static Tensor Forward(Tensor input)
    {
        if (!IsFast(input))
            return nn.functional.max_pool2d(input, 2);
        var (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3]);
        using var indices = WindowMaxima(input);
        using var flat = input.flatten(2);
        using var picked = flat.gather(2, indices);
        return picked.view(batch, channels, height / 2, width / 2);
    }

    private static bool IsFast(Tensor input) =>
        input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32 && input.dim() == 4
        && input.is_contiguous() && input.shape[2] >= 2 && input.shape[3] >= 2
        && input.numel() * sizeof(float) <= int.MaxValue;

    /// <summary>For every window, the index of its maximum within its [H, W] plane, as libtorch's max-pooling
    /// returns it: [N, C, (H / 2) * (W / 2)] int64.</summary>
    private static Tensor WindowMaxima(Tensor input)
    {
        var (planes, height, width) = (input.shape[0] * input.shape[1], (int)input.shape[2], (int)input.shape[3]);
        var (outHeight, outWidth) = (height / 2, width / 2);
        using var _ = no_grad();
        var indices = empty([input.shape[0], input.shape[1], outHeight * outWidth], ScalarType.Int64);
        var values = MemoryMarshal.Cast<byte, float>(input.bytes);
        var picked = MemoryMarshal.Cast<byte, long>(indices.bytes);
        for (long plane = 0; plane < planes; plane++)
            Plane(values.Slice((int)(plane * height * width), height * width),
                picked.Slice((int)(plane * outHeight * outWidth), outHeight * outWidth), width, outHeight, outWidth);
        return indices;
    }

    /// <summary>
    /// One plane's windows. Eight columns at a time: lanes at even columns hold a window's four candidates (the
    /// column and its right neighbour, in the row and the row below), the odd lanes are computed and dropped. Selects,
    /// not branches: on activations the comparisons go either way at random. The columns left over go one window at a
    /// time, with the same comparisons.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane(ReadOnlySpan<float> plane, Span<long> picked, int width, int outHeight, int outWidth)
    {
        Span<int> candidate = stackalloc int[Vector256<float>.Count];
        for (var i = 0; i < outHeight; i++)
        {
            var top = plane.Slice(2 * i * width, width);
            var bottom = plane.Slice((2 * i + 1) * width, width);
            var row = picked.Slice(i * outWidth, outWidth);
            var column = 0;
            // The right neighbours of eight columns reach one column further than the eight.
            for (; column + Vector256<float>.Count < width; column += Vector256<float>.Count)
            {
                var max = Vector256.Create(top[column..]);
                var winner = Vector256<int>.Zero;
                Consider(Vector256.Create(top[(column + 1)..]), 1, ref winner, ref max);
                Consider(Vector256.Create(bottom[column..]), 2, ref winner, ref max);
                Consider(Vector256.Create(bottom[(column + 1)..]), 3, ref winner, ref max);
                winner.CopyTo(candidate);
                for (var lane = 0; lane < Vector256<float>.Count; lane += 2)
                    row[(column + lane) / 2] = Index(i, column + lane, candidate[lane], width);
            }
            for (var j = column / 2; j < outWidth; j++)
            {
                var (winner, max) = (0, top[2 * j]);
                Consider(top[2 * j + 1], 1, ref winner, ref max);
                Consider(bottom[2 * j], 2, ref winner, ref max);
                Consider(bottom[2 * j + 1], 3, ref winner, ref max);
                row[j] = Index(i, 2 * j, winner, width);
            }
        }
    }

    /// <summary>Where candidate 0-3 (row by row) of the window at output row <paramref name="i"/> and left column
    /// <paramref name="column"/> lies in its plane.</summary>
    private static long Index(int i, int column, int candidate, int width) =>
        (2 * i + (candidate >> 1)) * width + column + (candidate & 1);

    // Starting from -inf, a window's first element always wins (a NaN too; -inf equals the start), so it is the
    // starting maximum and candidate 0; a later one wins if greater or NaN, as in libtorch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Consider(Vector256<float> value, int candidate, ref Vector256<int> winner,
        ref Vector256<float> max)
    {
        var wins = Vector256.GreaterThan(value, max) | ~Vector256.Equals(value, value);
        winner = Vector256.ConditionalSelect(wins.AsInt32(), Vector256.Create(candidate), winner);
        max = Vector256.ConditionalSelect(wins, value, max);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Consider(float value, int candidate, ref int winner, ref float max)
    {
        var wins = (value > max) | float.IsNaN(value);
        winner = wins ? candidate : winner;
        max = wins ? value : max;
    }
}
