using System.Text.Json;
using System.Text.Json.Serialization;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Output;

/// <summary>The one JSON document a command prints on stdout with --json; logs stay on stderr.</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new(SpecNames.Json)
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write<T>(T document) => Write(document, Results.Out);

    public static void Write<T>(T document, TextWriter output) => output.WriteLine(JsonSerializer.Serialize(document, Options));
}
