using System.Reflection;
using Akka.Configuration;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Configuration;

/// <summary>
/// Loads HOCON with the embedded <c>hocon/lottery.conf</c> as fallback, so every key has its documented default,
/// and refuses keys under <c>lottery.search</c> and <c>lottery.runtime</c> that the defaults do not know (typos).
/// </summary>
public static class LotteryConfig
{
    private static readonly Lazy<Config> EmbeddedDefaults = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("LotteryActors.lottery.conf")
                           ?? throw new InvalidOperationException("lottery.conf is not embedded in the assembly");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    public static Config Defaults => EmbeddedDefaults.Value;

    /// <summary>Parses a file; a missing file or bad HOCON is one clear line via <see cref="SpecException"/>.</summary>
    public static Config FromFile(string path)
    {
        if (!File.Exists(path))
            throw new SpecException("--config", $"file not found: {path}");
        return FromText(File.ReadAllText(path), path);
    }

    public static Config FromText(string hocon, string origin = "configuration")
    {
        Config user;
        try
        {
            user = ConfigurationFactory.ParseString(hocon);
        }
        catch (Exception e)
        {
            throw new SpecException(origin, $"not valid HOCON: {e.Message.Split('\n')[0]}");
        }
        foreach (var section in new[] { "lottery.search", "lottery.runtime", "lottery.log" })
            RejectUnknownKeys(user, section);
        return user.WithFallback(Defaults);
    }

    private static void RejectUnknownKeys(Config user, string section)
    {
        if (!user.HasPath(section))
            return;
        foreach (var key in LeafPaths(user.GetValue(section), section))
        {
            if (!Defaults.HasPath(key))
                throw new SpecException(key, $"unknown key; allowed keys under {section} are listed in hocon/lottery.conf");
        }
    }

    private static IEnumerable<string> LeafPaths(Akka.Configuration.Hocon.HoconValue value, string prefix)
    {
        if (!value.IsObject())
            return [prefix];
        return value.GetObject().Items.SelectMany(item => LeafPaths(item.Value, $"{prefix}.{item.Key}"));
    }
}
