using System.Reflection;
using System.Text;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Configuration;

/// <summary>
/// Loads HOCON with the embedded <c>hocon/lottery.conf</c> as fallback, so every key has its documented default.
/// A file is first checked by <see cref="HoconSyntax"/> (with its includes), then parsed by Akka; it must set at
/// least one key, only under <c>lottery</c>, and only keys the defaults know (typos are refused, not ignored).
/// </summary>
public static class LotteryConfig
{
    public const string Root = "lottery";

    /// <summary>Includes nest at most this deep: a file that includes itself through others is caught early.</summary>
    private const int MaxIncludeDepth = 16;

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
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Load(ReadText(path, path), path, directory, [Path.GetFullPath(path)]);
    }

    /// <summary>Parses HOCON text; includes resolve against <paramref name="directory"/> (default: here).</summary>
    public static Config FromText(string hocon, string origin = "configuration", string? directory = null) =>
        Load(hocon, origin, directory ?? Directory.GetCurrentDirectory(), []);

    private static Config Load(string hocon, string origin, string directory, List<string> chain)
    {
        var sources = new CheckedSources();
        sources.Check(hocon, origin, directory, "", chain);
        Config user;
        try
        {
            user = ConfigurationFactory.ParseString(hocon, sources.IncludeCallback(directory));
        }
        catch (Exception e) when (e is not SpecException)
        {
            throw new ConfigFileException(origin, $"not valid HOCON: {e.Message.Split('\n')[0]}");
        }
        RejectForeignRoots(user, sources, origin);
        var leaves = user.HasPath(Root) ? LeafPaths(user.GetValue(Root), Root).ToList() : [];
        if (leaves.Count == 0)
            throw new ConfigFileException(origin,
                "sets nothing; a config file sets keys under lottery.search, lottery.runtime or lottery.log");
        foreach (var key in leaves)
            RejectUnknownKey(key, sources);
        return user.WithFallback(Defaults);
    }

    /// <summary>Akka reads and merges other roots (<c>akka</c> too) without complaint; this tool uses none.</summary>
    private static void RejectForeignRoots(Config user, CheckedSources sources, string origin)
    {
        foreach (var root in user.Root.GetObject().Items.Keys)
        {
            if (root != Root)
                throw new ConfigFileException(sources.LocationOf(root) ?? origin,
                    $"unknown root '{root}'; every setting lives under '{Root}' " +
                    "(lottery.search, lottery.runtime, lottery.log)");
        }
        if (user.HasPath(Root) && !user.GetValue(Root).IsObject())
            throw new ConfigFileException(sources.LocationOf(Root) ?? origin,
                $"'{Root}' must be an object of settings");
    }

    /// <summary>
    /// Keys that moved, with where they live now: a file written for an older version is told the new key in its one
    /// line, rather than only that the old one is unknown.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> MovedKeys = new Dictionary<string, string>
    {
        ["lottery.log.seq-url"] = "lottery.runtime.seq.url",
    };

    private static void RejectUnknownKey(string key, CheckedSources sources)
    {
        var at = sources.LocationOf(key) is { } location ? $" (at {location})" : "";
        if (MovedKeys.TryGetValue(key, out var moved))
            throw new SpecException(key, $"has moved{at}; set {moved} instead");
        var section = string.Join('.', key.Split('.').Take(2));
        if (!IsPlainPath(key) || !Defaults.HasPath(key))
            throw new SpecException(key,
                $"unknown key{at}; allowed keys under {section} are listed in hocon/lottery.conf");
        if (Defaults.GetValue(key).IsObject())
            throw new SpecException(key, $"is a single value{at}; it is a group of settings, set the keys inside it");
    }

    /// <summary>Akka's path lookup splits on dots and chokes on empty elements: odd keys never reach it.</summary>
    private static bool IsPlainPath(string key) =>
        key.Split('.').All(part => part.Length > 0 && part.All(c => char.IsLetterOrDigit(c) || c is '-' or '_'));

    private static IEnumerable<string> LeafPaths(HoconValue value, string prefix)
    {
        if (!value.IsObject())
            return [prefix];
        return value.GetObject().Items.SelectMany(item => LeafPaths(item.Value, $"{prefix}.{item.Key}"));
    }

    /// <summary>Reads a config file as strict UTF-8: random bytes are named, not silently replaced.</summary>
    private static string ReadText(string path, string origin)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var at = Math.Clamp(e.Index, 0, bytes.Length);
            var line = 1 + bytes.AsSpan(0, at).Count((byte)'\n');
            throw new ConfigFileException($"{origin}:{line}", "is not UTF-8 text (a config file is plain text)");
        }
    }

    /// <summary>Every file of one load, syntax-checked, with where each key was set.</summary>
    private sealed class CheckedSources
    {
        private readonly Dictionary<string, string> texts = new(StringComparer.Ordinal);
        private readonly List<HoconField> fields = [];

        public void Check(string text, string origin, string directory, string prefix, List<string> chain)
        {
            var outline = HoconSyntax.Check(text, origin);
            fields.AddRange(outline.Fields.Select(f => f with { Path = Join(prefix, f.Path) }));
            foreach (var include in outline.Includes)
            {
                var path = Path.GetFullPath(Path.Combine(directory, include.Name));
                if (chain.Contains(path))
                    throw new ConfigFileException(include.Location, $"'{include.Name}' includes itself " +
                        $"(through {string.Join(" -> ", chain.Select(Path.GetFileName))})");
                if (chain.Count >= MaxIncludeDepth)
                    throw new ConfigFileException(include.Location, $"includes nest more than {MaxIncludeDepth} deep");
                if (!File.Exists(path))
                    throw new ConfigFileException(include.Location, $"included file not found: {path}");
                var included = ReadText(path, path);
                texts[path] = included;
                Check(included, path, Path.GetDirectoryName(path)!, Join(prefix, include.Prefix), [.. chain, path]);
            }
        }

        /// <summary>Akka calls this for each <c>include</c>; the files were read and checked above.</summary>
        public Func<string, HoconRoot> IncludeCallback(string directory) => name =>
        {
            var path = Path.GetFullPath(Path.Combine(directory, name.Trim('"')));
            return Parser.Parse(texts[path], IncludeCallback(Path.GetDirectoryName(path)!));
        };

        /// <summary>Where <paramref name="path"/> (or a key below it) was first set, as file:line:column.</summary>
        public string? LocationOf(string path) =>
            fields.FirstOrDefault(f => f.Path == path || f.Path.StartsWith(path + ".", StringComparison.Ordinal))
                ?.Location;

        private static string Join(string prefix, string path) =>
            prefix.Length == 0 ? path : path.Length == 0 ? prefix : $"{prefix}.{path}";
    }
}
