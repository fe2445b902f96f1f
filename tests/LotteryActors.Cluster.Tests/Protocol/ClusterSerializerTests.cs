using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Training.Spec;
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
    // A node from before progress was reported: its renewals and answers carry none.
    [InlineData("LeasesHeld.v1")]
    [InlineData("SearchProgress.v2")]
    // A node from before results said how their runs were trained.
    [InlineData("WorkDone.v2")]
    // A node from before a width could have several inits: it would draw init 0 for any init.
    [InlineData("WorkOffered.v2")]
    [InlineData("SearchProgress.v3")]
    // A node from before searches could be cancelled: a client would follow a cancelled search for ever.
    [InlineData("SearchProgress.v4")]
    // A node from before a submission said it resumed a cancelled search.
    [InlineData("SearchAccepted.v1")]
    // A client from before priorities: its searches would all run at the default.
    [InlineData("SubmitSearch.v1")]
    public void A_message_from_another_protocol_version_is_refused_by_name(string manifest)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new WorkAcknowledged("x"));
        var refused = Assert.Throws<SerializationException>(() =>
            serializer.FromBinary(Encoding.UTF8.GetBytes("{}"), manifest));
        Assert.Contains(manifest, refused.Message);
    }

    public static TheoryData<string> OlderManifests => new(ClusterSerializer.OlderJournalManifests.Keys);

    /// <summary>
    /// A journal written before an upgrade still recovers: its older entries read as today's types, with the newer
    /// fields empty (no dataset fingerprint, no training setup, no wrong-dataset reason, no ensemble unit).
    /// </summary>
    [Theory]
    [MemberData(nameof(OlderManifests))]
    public void An_older_journal_entry_still_reads_from_its_golden_file(string manifest)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new WorkAcknowledged("x"));

        var read = serializer.FromBinary(File.ReadAllBytes(GoldenFile(manifest)), manifest);

        Assert.IsType(ClusterSerializer.OlderJournalManifests[manifest], read);
        Assert.Equal(Encoding.UTF8.GetString(serializer.ToBinary(SampleMessages.For(manifest))),
            Encoding.UTF8.GetString(serializer.ToBinary(read)));
    }

    [Fact]
    public void An_offer_carries_hashes_and_numbers_well_inside_a_remote_frame()
    {
        var offer = (WorkOffered)SampleMessages.For("WorkOffered.v3");
        var bytes = Sys.Serialization.FindSerializerFor(offer).ToBinary(offer);
        Assert.InRange(bytes.Length, 1, 128_000 / 10);
        Assert.Equal(WorkKind.Train, offer.Item.Kind);
    }

    /// <summary>
    /// An ensemble unit carries its levels' weights hashes both ways (offer, then report): a census-sized search (3
    /// widths, 12 rounds, 8 tickets) still fits a remote frame with room to spare.
    /// </summary>
    [Fact]
    public void A_census_sized_ensemble_unit_fits_a_remote_frame_both_ways()
    {
        var levels = (from width in Enumerable.Range(0, 3)
            from round in Enumerable.Range(0, 12)
            select new EnsembleMembers(width, 1.0 + width, round, Math.Pow(0.8, round), 0.88,
                Enumerable.Range(0, 8).Select(t => Hand.Hash($"weights w{width}-t{t}/r{round}")).ToList())).ToList();
        var item = WorkItem.Ensemble(levels);
        var offer = new WorkOffered(item.IdIn("s"), "s", CanonicalSpec.ToJson(Hand.Spec()), item, Hand.T0);
        var done = new WorkDone("node", offer.WorkId, Hand.Output(item));

        foreach (var message in new object[] { offer, done })
            Assert.InRange(Sys.Serialization.FindSerializerFor(message).ToBinary(message).Length, 1, 128_000 / 2);
    }

    private static string GoldenFile(string manifest, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Golden", $"{manifest}.json");
}
