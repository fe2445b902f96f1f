using System.Globalization;

namespace LotteryActors.Training.Spec;

public enum DurationUnit { Iterations, Epochs }

/// <summary>A training length written as open_lth does: "20ep" (epochs) or "5000it" (iterations).</summary>
public readonly record struct Duration(int Value, DurationUnit Unit)
{
    public static Duration Zero => new(0, DurationUnit.Iterations);

    public static bool TryParse(string text, out Duration duration)
    {
        duration = Zero;
        text = text.Trim();
        var unit = text.EndsWith("ep", StringComparison.Ordinal) ? DurationUnit.Epochs
            : text.EndsWith("it", StringComparison.Ordinal) ? DurationUnit.Iterations
            : (DurationUnit?)null;
        if (unit is null || !int.TryParse(text[..^2], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return false;
        duration = new Duration(value, unit.Value);
        return true;
    }

    public int ToIterations(int iterationsPerEpoch) =>
        Unit == DurationUnit.Epochs ? checked(Value * iterationsPerEpoch) : Value;

    public override string ToString() => Unit == DurationUnit.Epochs ? $"{Value}ep" : $"{Value}it";
}
