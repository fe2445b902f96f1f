using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Pruning;

/// <summary>
/// How much a round prunes: <paramref name="Rate"/> of what remains of the hidden layers, <paramref name="OutputRate"/>
/// of the output layer's, and, when set, <paramref name="ConvRate"/> of the convolutional layers' apart from the rest
/// (see <see cref="PruningSpec"/>).
/// </summary>
public sealed record PruningRates(double Rate, double OutputRate, double? ConvRate = null)
{
    public static PruningRates Of(PruningSpec spec) => new(spec.Rate, spec.OutputRate, spec.ConvRate);
}
