using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LotteryActors.Training.Spec;

/// <summary>
/// The canonical JSON of a spec and its hash. The name and the dataset's location are left out of the hash:
/// renaming a search or moving its data does not change its results, so it must not orphan them.
/// </summary>
public static class CanonicalSpec
{
    public static string ToJson(SearchSpec spec) => JsonSerializer.Serialize(spec, SpecNames.Json);

    public static SearchSpec FromJson(string json) =>
        JsonSerializer.Deserialize<SearchSpec>(json, SpecNames.Json)
        ?? throw new InvalidDataException("spec JSON is empty");

    public static string Hash(SearchSpec spec)
    {
        var hashed = spec with { Name = "", Dataset = spec.Dataset with { Path = "" } };
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(ToJson(hashed)));
        return Convert.ToHexStringLower(bytes)[..16];
    }
}
