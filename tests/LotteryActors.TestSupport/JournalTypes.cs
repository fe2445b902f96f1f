using System.Reflection;
using System.Text.Json.Serialization;
using LotteryActors.Training.Spec;

namespace LotteryActors.TestSupport;

/// <summary>
/// Walks the JSON shape of journaled types by reflection, to prove that a persisted format is made of protocol
/// records only: never a type of the Training assembly, where a renamed property would change a journal format with
/// no manifest in sight, nor a type of another project kept outside its Protocol folder.
/// </summary>
public static class JournalTypes
{
    private static readonly Assembly Training = typeof(TicketId).Assembly;

    /// <summary>
    /// Each way the types of <paramref name="manifests"/> reach a type that is not a protocol record, as
    /// "WorkCompleted.Output.Run.Metrics -> LotteryActors.Training.Imp.RunMetrics" ("[]" marks a list's element);
    /// empty when none does. System types are allowed, and lists and nullables of allowed types; an enum is allowed
    /// when each of its members pins its JSON name. Properties the JSON ignores are not part of a format and are not
    /// walked.
    /// </summary>
    public static IReadOnlyList<string> ForeignTypesReachedFrom(IReadOnlyDictionary<string, Type> manifests)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in manifests.Values.Distinct())
            Walk(type, type.Name, [], found);
        return [.. found];
    }

    /// <summary>Fails naming every path by which <paramref name="manifests"/> reach a type that is not a protocol
    /// record.</summary>
    public static void AssertOnlyProtocolRecords(IReadOnlyDictionary<string, Type> manifests)
    {
        var reached = ForeignTypesReachedFrom(manifests);
        Assert.True(reached.Count == 0,
            $"journaled types reach types that are not protocol records:\n{string.Join("\n", reached)}");
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
        // Walked on, so that the Training types it reaches are named too.
        if (!(type.Namespace?.Contains(".Protocol", StringComparison.Ordinal) ?? false))
            found.Add($"{path} -> {type.FullName} (outside a Protocol namespace)");
        if (type.IsEnum)
        {
            // An enum is written by name: a member renamed without a pinned name would change the journal.
            foreach (var member in type.GetFields(BindingFlags.Public | BindingFlags.Static))
                if (member.GetCustomAttribute<JsonStringEnumMemberNameAttribute>() is null)
                    found.Add($"{path} -> {type.FullName}.{member.Name} (an enum member without a pinned name)");
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
