using LotteryActors.Training.Pruning;
using static TorchSharp.torch;

namespace LotteryActors.Training.Artifacts;

/// <summary>
/// A winning ticket as a researcher takes it away: the weights its round starts from (the shared init, or the
/// late-rewinding point) with the round's mask applied, pruned entries +0.0 and every other tensor (biases) as
/// stored. Training this under the mask is the round's run.
/// </summary>
public static class WinningTicket
{
    /// <summary>The masked start weights, owned by the caller.</summary>
    public static Dictionary<string, Tensor> Weights(ArtifactStore store, string startHash, string maskHash)
    {
        var start = store.Get(startHash);
        var mask = store.Get(maskHash);
        try
        {
            foreach (var (layer, kept) in mask)
            {
                if (!start.TryGetValue(layer, out var weight) || !weight.shape.SequenceEqual(kept.shape))
                    throw new CorruptArtifactException(
                        $"mask {maskHash} layer '{layer}' matches no tensor of start weights {startHash}");
                using var keep = kept.to(ScalarType.Float32);
                Mask.ZeroPruned(weight, keep);
            }
            return start;
        }
        catch
        {
            start.DisposeAll();
            throw;
        }
        finally
        {
            mask.DisposeAll();
        }
    }
}
