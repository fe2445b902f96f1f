namespace LotteryActors.Training.Data;

/// <summary>
/// Reads CIFAR-10's binary batches: records of 1 label byte followed by 3x32x32 channel-major pixel bytes.
/// </summary>
public static class Cifar10File
{
    public const int ImageBytes = 3 * 32 * 32;
    private const int RecordBytes = 1 + ImageBytes;

    public static (byte[] Images, byte[] Labels) Read(IReadOnlyList<string> batchPaths)
    {
        var batches = batchPaths.Select(ReadBatch).ToList();
        var records = batches.Sum(b => b.Length / RecordBytes);
        var images = new byte[(long)records * ImageBytes];
        var labels = new byte[records];
        var record = 0;
        foreach (var batch in batches)
        {
            for (var offset = 0; offset < batch.Length; offset += RecordBytes, record++)
            {
                labels[record] = batch[offset];
                batch.AsSpan(offset + 1, ImageBytes).CopyTo(images.AsSpan(record * ImageBytes));
            }
        }
        return (images, labels);
    }

    /// <summary>How many records the batches hold, from their sizes alone.</summary>
    public static int CountRecords(IReadOnlyList<string> batchPaths) => batchPaths.Sum(path =>
    {
        if (!File.Exists(path))
            throw new DatasetFormatException($"dataset file not found: {path}");
        return (int)(new FileInfo(path).Length / RecordBytes);
    });

    private static byte[] ReadBatch(string path)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException($"dataset file not found: {path}");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0 || bytes.Length % RecordBytes != 0)
            throw new DatasetFormatException(
                $"{path}: {bytes.Length} bytes is not a whole number of {RecordBytes}-byte CIFAR-10 records (truncated?)");
        for (var offset = 0; offset < bytes.Length; offset += RecordBytes)
        {
            if (bytes[offset] > 9)
                throw new DatasetFormatException($"{path}: label {bytes[offset]} at byte {offset}; CIFAR-10 labels are 0..9");
        }
        return bytes;
    }
}
