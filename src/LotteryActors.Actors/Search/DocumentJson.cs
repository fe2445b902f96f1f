using System.Text.Json;
using System.Text.Json.Serialization;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Search;

/// <summary>
/// How every JSON document is written (the CLI's --json, the dashboard's API and its pushed updates): one set of
/// options, so a script reads the same names and numbers from either.
/// </summary>
public static class DocumentJson
{
    public static readonly JsonSerializerOptions Options = new(SpecNames.Json)
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, Options);
}
