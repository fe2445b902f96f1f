using System.Text.Json;

namespace LotteryActors.Cli.Tests.Support;

/// <summary>Reads the documents the CLI prints with --json.</summary>
public static class SearchJson
{
    /// <summary>Every run of a search as "ticket round kind" → "weights-hash mask-hash test-accuracy validation-accuracy".</summary>
    public static SortedDictionary<string, string> Runs(string searchJson)
    {
        using var doc = JsonDocument.Parse(searchJson);
        var runs = new SortedDictionary<string, string>();
        foreach (var ticket in doc.RootElement.GetProperty("tickets").EnumerateArray())
        foreach (var run in ticket.GetProperty("runs").EnumerateArray())
        {
            var key = $"{run.GetProperty("ticket")} {run.GetProperty("round")} {run.GetProperty("kind")}";
            runs.Add(key, $"{run.GetProperty("weightsHash")} {run.GetProperty("maskHash")} " +
                          $"{run.GetProperty("testAccuracy").GetDouble():R} {run.GetProperty("validationAccuracy").GetDouble():R}");
        }
        return runs;
    }

    public static string SearchId(string searchJson)
    {
        using var doc = JsonDocument.Parse(searchJson);
        return doc.RootElement.GetProperty("searchId").GetString()!;
    }

    /// <summary>The "searches" array of <c>status --json</c>, first element.</summary>
    public static string FirstSearch(string statusJson)
    {
        using var doc = JsonDocument.Parse(statusJson);
        return doc.RootElement.GetProperty("searches")[0].GetRawText();
    }
}
