using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Tests.Hosting;

/// <summary>
/// The node builder on the real Fashion-MNIST files that <c>deploy/setup.sh</c> installs: one load per dataset,
/// the configured device and store, and a journaled search's runner refused on another copy of its data.
/// </summary>
public sealed class NodeBuilderTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), $"lottery-actors-{Guid.NewGuid():N}");
    private readonly RuntimeSettings runtime;
    private readonly NodeBuilder builder;
    private readonly SearchSpec spec = SyntheticSpec.Search() with
    {
        Dataset = new DatasetSpec(DatasetName.FashionMnist, "/usr/share/datasets/fashion-mnist", 100, 600, 100),
    };

    public NodeBuilderTests()
    {
        runtime = new RuntimeSettings(home, Path.Combine(home, "artifacts"), Slots: 2, TorchThreads: 1, "cpu",
            ChunkIterations: 7, MaxRestarts: 2, MinBackoff: TimeSpan.FromMilliseconds(50),
            MaxBackoff: TimeSpan.FromMilliseconds(200), SnapshotEvery: 5, JournalBackend.Sqlite, ConnectionString: "");
        builder = new NodeBuilder(runtime);
    }

    public void Dispose()
    {
        builder.Dispose();
        if (Directory.Exists(home))
            Directory.Delete(home, recursive: true);
    }

    private SearchState Journaled(string? fingerprint)
    {
        var state = SearchState.Empty.Apply(new SearchStarted(spec.SearchId, CanonicalSpec.ToJson(spec),
            SampleEvents.T0));
        return fingerprint is null ? state : state.Apply(new DatasetRecorded(fingerprint, SampleEvents.T0));
    }

    [Fact]
    public void Runners_of_one_dataset_share_one_load_on_the_configured_device_and_store()
    {
        var first = builder.Runner(spec);
        var second = builder.Runner(spec with { TicketsPerWidth = 5 });

        Assert.Same(first.Data, second.Data);
        Assert.Same(builder.Store, first.Store);
        Assert.Equal(runtime.ArtifactsDirectory, first.Store.Root);
        Assert.Equal(runtime.Device, first.Data.Train.Images.device.ToString().ToLowerInvariant());
        Assert.Equal(500, first.Data.Train.Count);
    }

    [Fact]
    public void A_journaled_search_gets_a_runner_on_its_own_data_or_on_any_data_if_none_was_recorded()
    {
        var fingerprint = builder.Dataset(spec.Dataset).Fingerprint;

        Assert.Equal(fingerprint, builder.Runner(Journaled(fingerprint)).Data.Fingerprint);
        Assert.Equal(fingerprint, builder.Runner(Journaled(null)).Data.Fingerprint);
    }

    [Fact]
    public void A_journaled_search_recorded_on_other_data_is_refused_naming_both_fingerprints()
    {
        var other = new string('e', 64);
        var fingerprint = builder.Dataset(spec.Dataset).Fingerprint;

        var error = Assert.Throws<DatasetMismatchException>(() => builder.Runner(Journaled(other)));

        Assert.Contains("eeeeeeeeeeee", error.Message);
        Assert.Contains(fingerprint[..12], error.Message);
        Assert.Contains("/usr/share/datasets/fashion-mnist", error.Message);
        Assert.Equal(FaultKind.WrongDataset, SearchFault.Of(error).Kind);
    }
}
