using static TorchSharp.torch;

namespace LotteryActors.Training.Data;

/// <summary>
/// Train, validation and test splits of one dataset, loaded once per node and shared read-only by every trainer
/// on it. Disposing it frees the tensors; nothing else may.
/// </summary>
/// <param name="fingerprint">The <see cref="DatasetFingerprint"/> of the files the splits were read from; null for
/// splits made in memory, which are fingerprinted by their tensors.</param>
public sealed class DatasetSplits(
    LabeledTensors train, LabeledTensors validation, LabeledTensors test, int classes, string? fingerprint = null)
    : IDisposable
{
    public LabeledTensors Train { get; } = train;
    public LabeledTensors Validation { get; } = validation;
    public LabeledTensors Test { get; } = test;
    public int Classes { get; } = classes;

    /// <summary>What a search records of its data, so that no node trains it on another copy.</summary>
    public string Fingerprint { get; } = fingerprint ?? DatasetFingerprint.Of(train, validation, test);

    /// <summary>Shape of one example: channels, height, width.</summary>
    public long[] ExampleShape => Train.Images.shape[1..];

    public void Dispose()
    {
        foreach (var t in new[] { Train.Images, Train.Labels, Validation.Images, Validation.Labels, Test.Images, Test.Labels })
            t.Dispose();
    }
}
