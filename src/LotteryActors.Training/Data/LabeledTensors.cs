using static TorchSharp.torch;

namespace LotteryActors.Training.Data;

/// <summary>Images [N, C, H, W] as normalised float32 and labels [N] as int64, owned by the dataset that made them.</summary>
public sealed record LabeledTensors(Tensor Images, Tensor Labels)
{
    public long Count => Labels.shape[0];
}
