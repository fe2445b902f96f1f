using Akka.Configuration;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Configuration;

/// <summary>
/// Where this process logs (<c>lottery.log</c>, and the node's Seq server <c>lottery.runtime.seq.url</c>: a server is
/// a property of the machine's lab, not of how verbose a log is), read and checked before logging starts.
/// </summary>
/// <param name="SeqUrl">Empty when no Seq sink is wanted.</param>
/// <param name="ProgressEvery">How often a search prints a progress line when stderr is not a terminal.</param>
public sealed record LogSettings(string Level, string File, string SeqUrl, TimeSpan ProgressEvery)
{
    private const string Root = "lottery.log";

    private const string SeqRoot = "lottery.runtime.seq";

    /// <summary>Serilog's levels, in the words <c>hocon/lottery.conf</c> documents.</summary>
    public static readonly IReadOnlyList<string> Levels =
        ["verbose", "debug", "information", "warning", "error", "fatal"];

    public static LogSettings Read(Config config)
    {
        var c = new SettingsSection(config, Root);
        var level = c.Text("level").ToLowerInvariant();
        if (!Levels.Contains(level))
            throw new SpecException(c.Key("level"), $"is '{level}'; allowed: {string.Join(", ", Levels)}");
        var progressEvery = c.Time("progress-every");
        if (progressEvery <= TimeSpan.Zero)
            throw new SpecException(c.Key("progress-every"),
                $"is '{c.Text("progress-every")}'; allowed: a time above 0, such as 30s");
        return new LogSettings(level, c.Text("file"), ReadSeqUrl(new SettingsSection(config, SeqRoot)), progressEvery);
    }

    private static string ReadSeqUrl(SettingsSection seq)
    {
        var url = seq.Text("url");
        if (url.Length > 0 && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            throw new SpecException(seq.Key("url"), $"is '{url}'; allowed: empty (no Seq) or an http(s) URL");
        return url;
    }
}
