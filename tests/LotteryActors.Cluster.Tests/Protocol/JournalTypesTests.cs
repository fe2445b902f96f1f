using LotteryActors.Cluster.Protocol;
using LotteryActors.TestSupport;

namespace LotteryActors.Cluster.Tests.Protocol;

/// <summary>
/// The coordinator's journal is made of its own records: no type reachable from a journaled manifest, current or
/// older, comes from the Training assembly, where renaming a property would silently change a journal format.
/// Remote messages are not walked: a remote format changes with <see cref="ClusterSerializer.ProtocolVersion"/>.
/// </summary>
public sealed class JournalTypesTests
{
    [Fact]
    public void No_journaled_cluster_type_reaches_a_training_type()
    {
        var journaled = ClusterSerializer.TypesByManifest.Concat(ClusterSerializer.OlderJournalManifests)
            .Where(p => p.Value.IsAssignableTo(typeof(IClusterJournalEntry))).ToDictionary();

        JournalTypes.AssertNoneReachTraining(journaled);
    }
}
