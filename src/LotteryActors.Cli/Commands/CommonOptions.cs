using System.CommandLine;

namespace LotteryActors.Cli.Commands;

public static class CommonOptions
{
    public static Option<string?> Config() =>
        new("--config") { Description = "HOCON file overriding the embedded defaults (hocon/lottery.conf)" };

    public static Option<bool> Json() =>
        new("--json") { Description = "Print one JSON document on stdout instead of tables" };
}
