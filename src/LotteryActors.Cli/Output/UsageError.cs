using System.CommandLine;
using System.CommandLine.Parsing;

namespace LotteryActors.Cli.Output;

/// <summary>
/// Command-line misuse (an unknown command or option, a missing argument, a value that does not parse or is out
/// of range) as one line on stderr and exit code 2, instead of System.CommandLine's errors followed by the help.
/// </summary>
public static class UsageError
{
    /// <summary>A misspelling this close to a real name earns a suggestion.</summary>
    private const int MaxSuggestionDistance = 2;

    public static int Report(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var help = string.Join(' ', ["lottery", .. Path(parse.CommandResult), "--help"]);
        var message = parse.UnmatchedTokens.FirstOrDefault() is { } unknown
            ? $"unknown command or option '{unknown}'{Suggestion(command, unknown)}"
            : parse.Errors[0].Message.TrimEnd('.');
        Console.Error.WriteLine($"error: {message}; see '{help}'");
        return ExitCodes.BadInput;
    }

    /// <summary>The command's names below the root, outermost first: <c>bench conv</c> for a nested one.</summary>
    private static IEnumerable<string> Path(CommandResult command) =>
        command.Parent is CommandResult parent ? Path(parent).Append(command.Command.Name) : [];

    private static string Suggestion(Command command, string token)
    {
        var names = command.Subcommands.Select(c => c.Name)
            .Concat(command.Options.SelectMany(o => o.Aliases.Append(o.Name)));
        var best = names.Select(name => (name, distance: Distance(name, token)))
            .Where(n => n.distance <= MaxSuggestionDistance)
            .OrderBy(n => n.distance)
            .FirstOrDefault();
        return best.name is null ? "" : $" (did you mean '{best.name}'?)";
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1,
                    previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
