using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Protocol;

/// <summary>
/// Every journaled and remote cluster type is written exactly as its golden file says, and the golden file reads
/// back to the same value: renaming a property or an enum member fails here instead of silently changing "v1".
/// Set LOTTERY_UPDATE_GOLDEN=1 to rewrite the files after a deliberate change (then give it a new version).
/// </summary>
public sealed class ClusterSerializerTests() : TestKit(ClusterSerializer.Hocon)
{
    public static TheoryData<string> Manifests => new(ClusterSerializer.TypesByManifest.Keys);

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Each_type_is_written_as_its_golden_file_and_the_golden_file_reads_back_to_it(string manifest)
    {
        var sample = SampleMessages.For(manifest);
        var serializer = Assert.IsType<ClusterSerializer>(Sys.Serialization.FindSerializerFor(sample));
        Assert.Equal(manifest, serializer.Manifest(sample));
        var written = Encoding.UTF8.GetString(serializer.ToBinary(sample));
        var golden = GoldenFile(manifest);
        if (Environment.GetEnvironmentVariable("LOTTERY_UPDATE_GOLDEN") == "1")
            File.WriteAllText(golden, written + "\n");

        var pinned = File.ReadAllText(golden).TrimEnd('\n');
        Assert.Equal(pinned, written);
        var read = serializer.FromBinary(Encoding.UTF8.GetBytes(pinned), manifest);
        Assert.Equal(pinned, Encoding.UTF8.GetString(serializer.ToBinary(read)));
    }

    [Theory]
    [InlineData("WorkDone.v9")]
    // A node from before the dataset check: its results carry no fingerprint and its offers are not checked.
    [InlineData("WorkDone.v1")]
    [InlineData("WorkOffered.v1")]
    public void A_message_from_another_protocol_version_is_refused_by_name(string manifest)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new WorkAcknowledged("x"));
        var refused = Assert.Throws<SerializationException>(() =>
            serializer.FromBinary(Encoding.UTF8.GetBytes("{}"), manifest));
        Assert.Contains(manifest, refused.Message);
    }

    /// <summary>A journal written before an upgrade still recovers: its older entries read as today's types.
    /// </summary>
    [Theory]
    [InlineData("WorkCompleted.v1")]
    [InlineData("LeaseEnded.v1")]
    public void An_older_journal_entry_still_reads_from_its_golden_file(string manifest)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new WorkAcknowledged("x"));

        var read = serializer.FromBinary(File.ReadAllBytes(GoldenFile(manifest)), manifest);

        Assert.IsType(ClusterSerializer.OlderJournalManifests[manifest], read);
        if (read is ClusterEvents.WorkCompleted completed)
            Assert.Null(completed.DatasetFingerprint);
        else
            Assert.Equal(LeaseEndReason.NodeLeft, ((ClusterEvents.LeaseEnded)read).Reason);
    }

    [Fact]
    public void An_offer_carries_hashes_and_numbers_well_inside_a_remote_frame()
    {
        var offer = (WorkOffered)SampleMessages.For("WorkOffered.v2");
        var bytes = Sys.Serialization.FindSerializerFor(offer).ToBinary(offer);
        Assert.InRange(bytes.Length, 1, 128_000 / 10);
        Assert.Equal(WorkKind.Train, offer.Item.Kind);
    }

    private static string GoldenFile(string manifest, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Golden", $"{manifest}.json");
}
