using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// Writes records as UTF-8 JSON under explicit versioned manifests ("RoundCompleted.v1"). The manifest, not the
/// CLR type name, names a stored or sent entry, so renaming or moving a type never strands a journal or splits a
/// cluster: a breaking change gets a new version, and the old one stays readable.
/// </summary>
/// <param name="current">The manifest each type is written under today: one per type.</param>
/// <param name="older">Versions no longer written but still read, each with the type that reads it.</param>
public abstract class VersionedJsonSerializer(
    ExtendedActorSystem system,
    IReadOnlyDictionary<string, Type> current,
    IReadOnlyDictionary<string, Type>? older = null)
    : SerializerWithStringManifest(system)
{
    private readonly IReadOnlyDictionary<Type, string> manifests = current.ToDictionary(p => p.Value, p => p.Key);
    private readonly IReadOnlyDictionary<string, Type> types =
        current.Concat(older ?? new Dictionary<string, Type>()).ToDictionary();

    /// <summary>What this serializer writes, for error messages ("journal", "cluster").</summary>
    protected abstract string Purpose { get; }

    public override string Manifest(object o) =>
        manifests.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType().Name} has no {Purpose} manifest; add one before using it");

    public override byte[] ToBinary(object obj) =>
        JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), SpecNames.Json);

    public override object FromBinary(byte[] bytes, string manifest) =>
        types.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, SpecNames.Json)!
            : throw new SerializationException($"unknown {Purpose} manifest '{manifest}'");

    /// <summary>HOCON that binds every type implementing one of <paramref name="markers"/> to the serializer.</summary>
    protected static string HoconFor(string name, Type serializer, int id, params Type[] markers) => $$"""
        akka.actor {
          serializers.{{name}} = "{{TypeName(serializer)}}"
          serialization-bindings { {{string.Join(", ", markers.Select(m => $"\"{TypeName(m)}\" = {name}"))}} }
          serialization-identifiers { "{{TypeName(serializer)}}" = {{id}} }
        }
        """;

    private static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
