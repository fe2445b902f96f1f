using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LotteryActors.Cli.Tests.Support;

/// <summary>One metric family of a scrape: its TYPE, HELP and samples.</summary>
public sealed record MetricFamily(string Name, string Type, string? Help, IReadOnlyList<MetricSample> Samples)
{
    /// <summary>The one sample named <paramref name="name"/> (default: the family's) with these labels.</summary>
    public double Value(string? name = null, params (string Label, string Value)[] labels) =>
        Samples.Single(s => s.Name == (name ?? Name)
            && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Value;
}

public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A strict reader of Prometheus's text exposition format (version 0.0.4), so a test fails on anything a real
/// Prometheus server would refuse or misread: a bad name, label or value, an unescaped quote, a TYPE after its
/// samples or given twice, a family split in two, a series given twice, histogram buckets that are not cumulative
/// or do not end in +Inf, or an +Inf bucket below _count.
/// </summary>
/// <remarks>
/// A scrape is not a snapshot. prometheus-net writes a histogram's _count, then reads its buckets one by one, each
/// an atomic counter of its own, so an observation made while a node is being scraped can land in the buckets but
/// not in the _count already written: +Inf may exceed _count by the observations in between. Prometheus stores each
/// series apart and does not check this. Fewer in +Inf than in _count would mean observations lost, and is refused.
/// </remarks>
public static partial class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    public static IReadOnlyDictionary<string, MetricFamily> Parse(string text)
    {
        var types = new Dictionary<string, string>();
        var helps = new Dictionary<string, string>();
        var samples = new Dictionary<string, List<MetricSample>>();
        var series = new HashSet<string>();
        var finished = new HashSet<string>();
        string? current = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var where = $"line {i + 1} '{line}'";
            if (line.Length == 0)
                continue;
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length < 3 || parts[0] != "#" || parts[1] is not ("HELP" or "TYPE"))
                    continue; // a plain comment
                var family = parts[2];
                Require(MetricName().IsMatch(family), where, "bad metric name");
                if (parts[1] == "TYPE")
                {
                    Require(parts.Length == 4 && Types.Contains(parts[3]), where,
                        "TYPE must name one of " + string.Join(", ", Types));
                    Require(types.TryAdd(family, parts[3]), where, "a second TYPE for the family");
                    Require(!samples.ContainsKey(family), where, "TYPE after the family's samples");
                }
                else
                {
                    Require(helps.TryAdd(family, parts.Length == 4 ? Unescape(parts[3], where, help: true) : ""), where,
                        "a second HELP for the family");
                }
                continue;
            }
            var (name, labels, value) = Sample(line, where);
            var owner = FamilyOf(name, labels, types, where);
            if (owner != current)
            {
                if (current is not null)
                    finished.Add(current);
                Require(!finished.Contains(owner), where, "the family's samples are split by another family's");
                current = owner;
            }
            var key = name + "{" + string.Join(",", labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")) + "}";
            Require(series.Add(key), where, "the same series twice");
            if (!samples.TryGetValue(owner, out var list))
                samples[owner] = list = [];
            list.Add(new MetricSample(name, labels, value));
        }
        var families = samples.ToDictionary(p => p.Key,
            p => new MetricFamily(p.Key, types.GetValueOrDefault(p.Key, "untyped"), helps.GetValueOrDefault(p.Key),
                p.Value));
        foreach (var histogram in families.Values.Where(f => f.Type == "histogram"))
            CheckHistogram(histogram);
        return families;
    }

    private static string FamilyOf(string name, IReadOnlyDictionary<string, string> labels,
        Dictionary<string, string> types, string where)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (!name.EndsWith(suffix, StringComparison.Ordinal))
                continue;
            var family = name[..^suffix.Length];
            if (types.GetValueOrDefault(family) is "histogram" or "summary")
            {
                Require(suffix != "_bucket" || (types[family] == "histogram" && labels.ContainsKey("le")), where,
                    "a bucket needs a histogram and an le label");
                return family;
            }
        }
        Require(types.GetValueOrDefault(name) is not "histogram", where,
            "a histogram's samples are _bucket, _sum, _count");
        return name;
    }

    private static void CheckHistogram(MetricFamily histogram)
    {
        var byLabels = histogram.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le")
            .OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
        foreach (var one in byLabels)
        {
            var buckets = one.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal))
                .Select(s => (Le: ParseValue(s.Labels["le"], histogram.Name), s.Value)).OrderBy(b => b.Le).ToList();
            var where = $"histogram {histogram.Name}{{{one.Key}}}";
            Require(buckets.Count > 0 && double.IsPositiveInfinity(buckets[^1].Le), where, "no +Inf bucket");
            Require(buckets.Zip(buckets.Skip(1)).All(p => p.Item1.Value <= p.Item2.Value), where,
                "buckets not cumulative");
            var count = one.Single(s => s.Name.EndsWith("_count", StringComparison.Ordinal)).Value;
            Require(buckets[^1].Value >= count, where, "+Inf bucket below _count");
            Require(one.Count(s => s.Name.EndsWith("_sum", StringComparison.Ordinal)) == 1, where, "no _sum");
        }
    }

    private static (string Name, IReadOnlyDictionary<string, string> Labels, double Value) Sample(
        string line, string where)
    {
        var end = line.IndexOfAny(['{', ' ']);
        Require(end > 0, where, "no value");
        var name = line[..end];
        Require(MetricName().IsMatch(name), where, "bad metric name");
        var labels = new Dictionary<string, string>();
        var i = end;
        if (line[i] == '{')
        {
            i++;
            while (i < line.Length && line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                Require(eq > i, where, "a label without '='");
                var label = line[i..eq];
                Require(LabelName().IsMatch(label), where, $"bad label name '{label}'");
                Require(eq + 1 < line.Length && line[eq + 1] == '"', where, "a label value must be quoted");
                var value = new StringBuilder();
                var j = eq + 2;
                for (; j < line.Length && line[j] != '"'; j++)
                {
                    if (line[j] != '\\')
                    {
                        value.Append(line[j]);
                        continue;
                    }
                    Require(++j < line.Length && line[j] is '\\' or '"' or 'n', where, "a bad escape in a label value");
                    value.Append(line[j] == 'n' ? '\n' : line[j]);
                }
                Require(j < line.Length, where, "an unterminated label value");
                Require(labels.TryAdd(label, value.ToString()), where, $"label '{label}' twice");
                i = j + 1;
                Require(i < line.Length && line[i] is ',' or '}', where, "labels must be separated by ','");
                if (line[i] == ',')
                    i++;
            }
            Require(i < line.Length, where, "an unterminated label set");
            i++;
        }
        var rest = line[i..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Require(i < line.Length && line[i] == ' ' && rest.Length is 1 or 2, where, "expected ' value [timestamp]'");
        Require(rest.Length == 1
            || long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            where, "a bad timestamp");
        return (name, labels, ParseValue(rest[0], where));
    }

    private static double ParseValue(string text, string where) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new FormatException($"{where}: '{text}' is not a sample value"),
    };

    private static string Unescape(string text, string where, bool help)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }
            Require(++i < text.Length && (text[i] is '\\' or 'n' || (!help && text[i] == '"')), where, "a bad escape");
            result.Append(text[i] == 'n' ? '\n' : text[i]);
        }
        return result.ToString();
    }

    private static void Require(bool condition, string where, string problem)
    {
        if (!condition)
            throw new FormatException($"{where}: {problem}");
    }
}
