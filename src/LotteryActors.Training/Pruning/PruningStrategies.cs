namespace LotteryActors.Training.Pruning;

/// <summary>
/// Every pruning strategy a spec can name, by name: the one place that lists them, so the config's validation, its
/// error message and the trainer all agree.
/// </summary>
public static class PruningStrategies
{
    /// <summary>Frankle &amp; Carbin's: each hidden layer loses its own share of its weights.</summary>
    public static readonly IPruningStrategy LayerWise = new LayerWiseMagnitude();

    /// <summary>open_lth's <c>sparse_global</c>: the hidden layers' weights compete in one pool.</summary>
    public static readonly IPruningStrategy Global = new GlobalMagnitude();

    private static readonly IReadOnlyDictionary<string, IPruningStrategy> ByName =
        new[] { LayerWise, Global }.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>The names a spec may use, in the order the config's documentation lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ByName.Keys.ToList();

    public static bool Exists(string name) => ByName.ContainsKey(name);

    public static IPruningStrategy Get(string name) => ByName.TryGetValue(name, out var strategy)
        ? strategy
        : throw new ArgumentException(
            $"no pruning strategy named '{name}'; allowed: {string.Join(", ", Names)}", nameof(name));
}
