using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using LotteryActors.Actors.Protocol;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// Journals search events and snapshots as UTF-8 JSON under an explicit versioned manifest. The manifest, not the
/// CLR type name, identifies a stored entry, so renaming or moving a type never strands a journal.
/// </summary>
public sealed class SearchJournalSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7311;

    private static readonly IReadOnlyDictionary<string, Type> TypesByManifest = new Dictionary<string, Type>
    {
        ["SearchStarted.v1"] = typeof(SearchStarted),
        ["DatasetRecorded.v1"] = typeof(DatasetRecorded),
        ["InitDrawn.v1"] = typeof(InitDrawn),
        ["RoundCompleted.v1"] = typeof(RoundCompleted),
        ["TicketFailed.v1"] = typeof(TicketFailed),
        ["TicketFinished.v1"] = typeof(TicketFinished),
        ["TicketRetried.v1"] = typeof(TicketRetried),
        ["EnsembleEvaluated.v1"] = typeof(EnsembleEvaluated),
        ["SearchCompleted.v1"] = typeof(SearchCompleted),
        ["SearchSnapshot.v2"] = typeof(SearchSnapshot),
    };

    /// <summary>Older versions still read: each maps to the type that reads it, and is never written again.</summary>
    private static readonly IReadOnlyDictionary<string, Type> ReadOnlyManifests = new Dictionary<string, Type>
    {
        // v1 lacks DatasetFingerprint, which reads back as null.
        ["SearchSnapshot.v1"] = typeof(SearchSnapshot),
    };

    private static readonly IReadOnlyDictionary<Type, string> ManifestsByType =
        TypesByManifest.ToDictionary(p => p.Value, p => p.Key);

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        ManifestsByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType().Name} has no journal manifest; add one before persisting it");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), SpecNames.Json);

    public override object FromBinary(byte[] bytes, string manifest) =>
        TypesByManifest.TryGetValue(manifest, out var type) || ReadOnlyManifests.TryGetValue(manifest, out type)
            ? JsonSerializer.Deserialize(bytes, type, SpecNames.Json)!
            : throw new System.Runtime.Serialization.SerializationException($"unknown journal manifest '{manifest}'");

    /// <summary>HOCON that binds every journal entry to this serializer.</summary>
    public static string Hocon => $$"""
        akka.actor {
          serializers.search-journal = "{{TypeName(typeof(SearchJournalSerializer))}}"
          serialization-bindings { "{{TypeName(typeof(ISearchJournalEntry))}}" = search-journal }
          serialization-identifiers { "{{TypeName(typeof(SearchJournalSerializer))}}" = {{Id}} }
        }
        """;

    private static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
