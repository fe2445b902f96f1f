using LotteryActors.Cluster.Protocol;
using LotteryActors.TestSupport;

namespace LotteryActors.Cluster.Tests.Protocol;

/// <summary>
/// The coordinator's journal is made of protocol records: no type reachable from a journaled manifest, current or
/// older, comes from the Training assembly (where renaming a property would silently change a journal format) or
/// from outside a Protocol folder. Remote messages are not walked: a remote format changes with
/// <see cref="ClusterSerializer.ProtocolVersion"/>.
/// </summary>
public sealed class JournalTypesTests
{
    [Fact]
    public void Every_type_a_journaled_cluster_manifest_reaches_is_a_protocol_record()
    {
        var journaled = ClusterSerializer.TypesByManifest.Concat(ClusterSerializer.OlderJournalManifests)
            .Where(p => p.Value.IsAssignableTo(typeof(IClusterJournalEntry))).ToDictionary();

        JournalTypes.AssertOnlyProtocolRecords(journaled);
    }
}
