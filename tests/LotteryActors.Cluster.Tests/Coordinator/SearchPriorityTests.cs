using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Coordinator;

/// <summary>
/// The cluster's coordinator, on a real SQLite journal with one local member, hands a node's free slots to submitted
/// searches by their priorities, as the submissions carried them.
/// </summary>
public sealed class SearchPriorityTests : TestKit
{
    private const string Node = "local#1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly RuntimeSettings runtime;

    public SearchPriorityTests()
        : this(Runtime(Path.Combine(Path.GetTempPath(), $"lottery-priority-{Guid.NewGuid():N}")))
    {
    }

    private SearchPriorityTests(RuntimeSettings runtime)
        : base(JournalHocon.AkkaConfig(runtime, ConfigurationFactory.ParseString(ClusterSerializer.Hocon))) =>
        this.runtime = runtime;

    private static RuntimeSettings Runtime(string home)
    {
        Directory.CreateDirectory(home);
        return new RuntimeSettings(home, Path.Combine(home, "artifacts"), Slots: 4, TorchThreads: 1, "cpu",
            ChunkIterations: 10, MaxRestarts: 0, TimeSpan.Zero, TimeSpan.Zero, SnapshotEvery: 50,
            JournalBackend.Sqlite, ConnectionString: "");
    }

    [Fact]
    public async Task A_nodes_four_slots_go_three_to_the_search_of_priority_3_and_one_to_the_search_of_priority_1()
    {
        var coordinator = Sys.ActorOf(WorkCoordinator.Props(OneNodeSearch.Timing(runtime), runtime.SnapshotEvery,
            membership: new LocalMembership(Node)));
        // Four widths: four init draws each, waiting. The search at the default comes first, so it would win ties.
        SearchSpec Search(int seed) =>
            Hand.Spec(seed) with { Model = Hand.Spec(seed).Model with { Widths = [0.25, 0.5, 0.75, 1.0] } };
        var (low, high) = (Search(30), Search(31));
        await coordinator.Ask<SearchAccepted>(new SubmitSearch(CanonicalSpec.ToJson(low)), Patience);
        await coordinator.Ask<SearchAccepted>(new SubmitSearch(CanonicalSpec.ToJson(high)) { Priority = 3 },
            Patience);

        coordinator.Tell(new WorkRequested(Node, 4, 0), TestActor);
        var offered = Enumerable.Range(0, 4).Select(_ => ExpectMsg<WorkOffered>(Patience).SearchId).ToList();

        Assert.Equal((3, 1), (offered.Count(id => id == high.SearchId), offered.Count(id => id == low.SearchId)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(runtime.Home))
            Directory.Delete(runtime.Home, recursive: true);
    }
}
