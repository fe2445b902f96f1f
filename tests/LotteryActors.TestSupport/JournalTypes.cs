using System.Reflection;
using System.Text.Json.Serialization;
using LotteryActors.Training.Spec;

namespace LotteryActors.TestSupport;

/// <summary>
/// Walks the JSON shape of journaled types by reflection, to prove that no persisted format embeds a type of the
/// Training assembly: there a renamed property would change a journal format with no manifest in sight.
/// </summary>
public static class JournalTypes
{
    private static readonly Assembly Training = typeof(TicketId).Assembly;

    /// <summary>
    /// Each way the types of <paramref name="manifests"/> reach a Training type, as
    /// "WorkCompleted.Output.Run.Metrics -> LotteryActors.Training.Imp.RunMetrics" ("[]" marks a list's element);
    /// empty when none does. Properties the JSON ignores are not part of a format and are not walked.
    /// </summary>
    public static IReadOnlyList<string> TrainingTypesReachedFrom(IReadOnlyDictionary<string, Type> manifests)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in manifests.Values.Distinct())
            Walk(type, type.Name, [], found);
        return [.. found];
    }

    /// <summary>Fails naming every path by which <paramref name="manifests"/> reach a Training type.</summary>
    public static void AssertNoneReachTraining(IReadOnlyDictionary<string, Type> manifests)
    {
        var reached = TrainingTypesReachedFrom(manifests);
        Assert.True(reached.Count == 0,
            $"journaled types reach the Training assembly:\n{string.Join("\n", reached)}");
    }

    private static void Walk(Type type, string path, HashSet<Type> onPath, SortedSet<string> found)
    {
        if (type.Assembly == Training)
        {
            found.Add($"{path} -> {type.FullName}");
            return;
        }
        if (type.IsArray)
        {
            Walk(type.GetElementType()!, path + "[]", onPath, found);
            return;
        }
        if (type.Namespace?.StartsWith("System", StringComparison.Ordinal) ?? false)
        {
            // A list, a dictionary or a nullable is allowed when what it holds is.
            foreach (var argument in type.GetGenericArguments())
                Walk(argument, Nullable.GetUnderlyingType(type) is null ? path + "[]" : path, onPath, found);
            return;
        }
        if (!onPath.Add(type))
            return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
                Walk(property.PropertyType, $"{path}.{property.Name}", onPath, found);
        onPath.Remove(type);
    }
}
