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

    /// <summary>The manifest each entry is written under today.</summary>
    private static readonly IReadOnlyDictionary<Type, string> ManifestsByType = new Dictionary<Type, string>
    {
        [typeof(SearchStarted)] = "SearchStarted.v1",
        [typeof(DatasetRecorded)] = "DatasetRecorded.v1",
        [typeof(InitDrawn)] = "InitDrawn.v1",
        // v2: a run's result names what a control drew (RunResult.Control); the snapshot holds runs, so it follows.
        [typeof(RoundCompleted)] = "RoundCompleted.v2",
        [typeof(TicketFailed)] = "TicketFailed.v1",
        [typeof(TicketFinished)] = "TicketFinished.v1",
        [typeof(TicketRetried)] = "TicketRetried.v1",
        [typeof(EnsembleEvaluated)] = "EnsembleEvaluated.v1",
        [typeof(SearchCompleted)] = "SearchCompleted.v1",
        // v2: the dataset's fingerprint, and the runs' control provenance (RoundCompleted.v2).
        [typeof(SearchSnapshot)] = "SearchSnapshot.v2",
    };

    /// <summary>
    /// Every manifest ever written, and the type that reads it. A v1 run result lacks <c>Control</c>, which reads
    /// as null: those controls drew their init or mask without storing it. A v1 snapshot also lacks the dataset's
    /// fingerprint, which reads as null (the next resume records it).
    /// </summary>
    private static readonly IReadOnlyDictionary<string, Type> TypesByManifest =
        ManifestsByType.ToDictionary(p => p.Value, p => p.Key)
            .Concat([
                KeyValuePair.Create("RoundCompleted.v1", typeof(RoundCompleted)),
                KeyValuePair.Create("SearchSnapshot.v1", typeof(SearchSnapshot)),
            ])
            .ToDictionary();

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        ManifestsByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType().Name} has no journal manifest; add one before persisting it");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), SpecNames.Json);

    public override object FromBinary(byte[] bytes, string manifest) =>
        TypesByManifest.TryGetValue(manifest, out var type)
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
