namespace LotteryActors.Training.Tests.Support;

/// <summary>Writes CIFAR-10 binary batches by hand: per record one label byte, then 3x32x32 channel-major pixels.</summary>
internal static class CifarBytes
{
    public const int ImageBytes = 3 * 32 * 32;
    public const int RecordBytes = 1 + ImageBytes;

    /// <summary>One record per label; record i's pixels in channel c hold <c>fill + i + 40c</c>.</summary>
    public static byte[] Batch(byte[] labels, byte fill = 0)
    {
        var bytes = new byte[labels.Length * RecordBytes];
        for (var i = 0; i < labels.Length; i++)
        {
            bytes[i * RecordBytes] = labels[i];
            for (var channel = 0; channel < 3; channel++)
                bytes.AsSpan(i * RecordBytes + 1 + channel * 1024, 1024).Fill((byte)(fill + i + 40 * channel));
        }
        return bytes;
    }
}
