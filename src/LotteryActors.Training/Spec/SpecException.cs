namespace LotteryActors.Training.Spec;

/// <summary>A search specification names a key whose value is not allowed. <see cref="Key"/> is the HOCON path.</summary>
public sealed class SpecException(string key, string problem)
    : Exception($"invalid setting '{key}': {problem}")
{
    public string Key { get; } = key;
}
