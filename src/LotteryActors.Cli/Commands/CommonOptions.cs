using System.CommandLine;

namespace LotteryActors.Cli.Commands;

public static class CommonOptions
{
    public static Option<string?> Config() =>
        new("--config") { Description = "HOCON file overriding the embedded defaults (hocon/lottery.conf)" };

    public static Option<bool> Json() =>
        new("--json") { Description = "Print one JSON document on stdout instead of tables" };

    /// <summary>Refuses 0 and negative counts at parse time: usage errors, before anything starts.</summary>
    public static Option<int> AtLeastOne(this Option<int> option)
    {
        // Reads the token itself: a value that is not a number is already an error, and asking for it would throw.
        option.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && int.TryParse(token.Value, out var value) && value < 1)
                result.AddError($"{option.Name} is {value}; allowed: 1 or more");
        });
        return option;
    }
}
