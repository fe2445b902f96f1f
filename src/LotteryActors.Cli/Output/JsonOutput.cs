using LotteryActors.Actors.Search;

namespace LotteryActors.Cli.Output;

/// <summary>The one JSON document a command prints on stdout with --json; logs stay on stderr.</summary>
public static class JsonOutput
{
    public static void Write<T>(T document) => Write(document, Results.Out);

    public static void Write<T>(T document, TextWriter output) => output.WriteLine(DocumentJson.Serialize(document));
}
