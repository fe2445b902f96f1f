using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LotteryActors.Training.Spec;

/// <summary>
/// The one place that says how an enum value is spelled in HOCON, JSON and on the console:
/// kebab-case, unless the member carries a <see cref="JsonStringEnumMemberNameAttribute"/>.
/// </summary>
public static class SpecNames
{
    public static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ByValue[value];

    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Names<T>.ByValue.Values.ToList();

    public static bool TryParse<T>(string text, out T value) where T : struct, Enum =>
        Names<T>.ByName.TryGetValue(text.Trim(), out value);

    private static class Names<T> where T : struct, Enum
    {
        public static readonly IReadOnlyDictionary<T, string> ByValue = Enum.GetValues<T>().ToDictionary(v => v, NameOf);
        public static readonly IReadOnlyDictionary<string, T> ByName = ByValue.ToDictionary(p => p.Value, p => p.Key);

        private static string NameOf(T value)
        {
            var member = typeof(T).GetField(value.ToString())!;
            return member.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                   ?? JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
        }
    }
}
