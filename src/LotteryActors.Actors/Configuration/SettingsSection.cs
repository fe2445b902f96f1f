using System.Globalization;
using Akka.Configuration;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Configuration;

/// <summary>
/// Typed reads of one HOCON section (<c>lottery.search</c>, <c>lottery.runtime</c>) that turn a value of the wrong
/// kind into a <see cref="SpecException"/> naming its key, where Akka's own getters throw format exceptions.
/// </summary>
public sealed class SettingsSection(Config config, string root)
{
    public Config Config { get; } = config.GetConfig(root);

    public string Key(string key) => $"{root}.{key}";

    public string Text(string key) => Config.GetValue(key) switch
    {
        null => "",
        var v when v.IsArray() || v.IsObject() =>
            throw new SpecException(Key(key), "is a list or an object; allowed: a single value"),
        var v => v.GetString()?.Trim() ?? "",
    };

    public T Enum<T>(string key) where T : struct, System.Enum =>
        SpecNames.TryParse<T>(Text(key), out var value)
            ? value
            : throw new SpecException(Key(key), $"is '{Text(key)}'; allowed: {string.Join(", ", SpecNames.All<T>())}");

    public int Int(string key) =>
        int.TryParse(Text(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new SpecException(Key(key), $"is '{Text(key)}'; allowed: a whole number");

    public long Long(string key) =>
        long.TryParse(Text(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new SpecException(Key(key), $"is '{Text(key)}'; allowed: a whole number");

    public double Double(string key) =>
        double.TryParse(Text(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new SpecException(Key(key), $"is '{Text(key)}'; allowed: a number");

    public bool Bool(string key) => Text(key) switch
    {
        "true" or "on" or "yes" => true,
        "false" or "off" or "no" => false,
        var other => throw new SpecException(Key(key), $"is '{other}'; allowed: true, false"),
    };

    /// <summary>A HOCON size in bytes such as <c>512 MiB</c> or <c>10 GiB</c>, or a plain number of bytes.</summary>
    public long Bytes(string key)
    {
        var text = Text(key);
        try
        {
            return Config.GetByteSize(key) ?? throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new SpecException(Key(key), $"is '{text}'; allowed: a size such as 0, 512 MiB or 10 GiB");
        }
    }

    /// <summary>A HOCON duration such as <c>100ms</c>, <c>1s</c> or <c>30 s</c>.</summary>
    public TimeSpan Time(string key)
    {
        Text(key);
        try
        {
            return Config.GetTimeSpan(key);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new SpecException(Key(key), $"is '{Text(key)}'; allowed: a time such as 100ms, 1s or 30s");
        }
    }
}
