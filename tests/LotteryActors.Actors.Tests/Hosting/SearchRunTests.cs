using Akka.Actor;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Training.Imp;
using static LotteryActors.Actors.Protocol.TicketMessages;

namespace LotteryActors.Actors.Tests.Hosting;

/// <summary>
/// Whatever stops a search reaches the host as a typed outcome, never as a wait without end: a child of the
/// coordinator that keeps failing, and a journal that cannot be written. Real nodes on synthetic data, real faults
/// (a corrupt artifact, a node with no slot, a full disk under the journal), the SQLite journal of production.
/// </summary>
public sealed class SearchRunTests() : TestKit(TestConfig.Akka + "\n" + TestConfig.InMemoryPersistence)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task An_aggregator_failing_on_a_corrupt_artifact_halts_the_search_and_a_repair_resumes_it()
    {
        using var tiny = new TinyNode();
        var reference = await SearchHost.RunAsync(tiny.Node, null).WaitAsync(Patience);
        JournalRows.RewindToBeforeEnsembling(JournalFile.PathIn(tiny.Runtime.Home));
        var weights = tiny.Node.Runner.Store.PathOf(reference.Tickets.Values.First().Runs[0].WeightsHash);
        var original = await File.ReadAllBytesAsync(weights);
        await File.WriteAllBytesAsync(weights, original[..^8]);

        var halted = await Assert.ThrowsAsync<SearchHaltedException>(() =>
            SearchHost.RunAsync(tiny.Node, null).WaitAsync(Patience));

        Assert.Equal(FaultKind.Environmental, halted.Fault.Kind);
        Assert.Contains(weights, halted.Fault.Cause);
        Assert.Contains("corrupt", halted.Fault.Cause);
        await File.WriteAllBytesAsync(weights, original);
        var repaired = await SearchHost.RunAsync(tiny.Node, null).WaitAsync(Patience);
        Assert.True(repaired.Completed);
        Assert.Equal(reference.Ensemble!.Levels, repaired.Ensemble!.Levels);
    }

    [Fact]
    public async Task A_ticket_supervisor_that_cannot_start_halts_the_search_as_a_bug_after_its_retries()
    {
        using var tiny = new TinyNode(slots: 0);

        var halted = await Assert.ThrowsAsync<SearchHaltedException>(() =>
            SearchHost.Start(Sys, tiny.Node).WaitAsync(Patience));

        Assert.Equal(FaultKind.Bug, halted.Fault.Kind);
        Assert.Contains("no training slot", halted.Fault.Cause);
    }

    [MountFact]
    public async Task A_journal_on_a_full_disk_halts_the_search_as_environmental_and_keeps_what_was_journaled()
    {
        using var tiny = new TinyNode();
        using var disk = SmallDisk.Mount("2m");
        var node = tiny.Node with { Runtime = tiny.Runtime with { Home = disk.Path } };
        var trainingStarted = new TaskCompletionSource();

        var outcome = SearchHost.RunAsync(node, null, system => system.EventStream.Subscribe(
            system.ActorOf(Props.Create(() => new FirstProgress(trainingStarted))), typeof(RunProgressed)));
        await trainingStarted.Task.WaitAsync(Patience);
        disk.Fill();

        var halted = await Assert.ThrowsAsync<SearchHaltedException>(() => outcome.WaitAsync(Patience));
        Assert.Equal(FaultKind.Environmental, halted.Fault.Kind);
        Assert.Contains("could not write", halted.Fault.Cause);
        disk.Free();
        Assert.Equal(1, JournalRows.Count(JournalFile.PathIn(disk.Path), "SearchStarted.v1"));
        Assert.Equal(1, JournalRows.Count(JournalFile.PathIn(disk.Path), "InitDrawn.v2"));
    }

    [MountFact]
    public async Task A_coordinator_unable_to_store_an_init_on_a_full_disk_is_retried_halts_and_resumes_when_freed()
    {
        using var tiny = new TinyNode();
        using var disk = SmallDisk.Mount("1m");
        var store = new Training.Artifacts.ArtifactStore(disk.Path);
        var node = tiny.Node with { Runner = new ImpRunner(tiny.Spec, tiny.Node.Runner.Data, store) };
        disk.Fill();

        var halted = await Assert.ThrowsAsync<SearchHaltedException>(() =>
            SearchHost.RunAsync(node, null).WaitAsync(Patience));

        Assert.Equal(FaultKind.Environmental, halted.Fault.Kind);
        Assert.Contains("No space left on device", halted.Fault.Cause);
        Assert.Empty(Directory.GetFiles(disk.Path, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(0, JournalRows.Count(JournalFile.PathIn(tiny.Runtime.Home), "InitDrawn.v2"));
        disk.Free();
        var resumed = await SearchHost.RunAsync(node, null).WaitAsync(Patience);
        Assert.True(resumed.Completed);
    }

    private sealed class FirstProgress : ReceiveActor
    {
        public FirstProgress(TaskCompletionSource started) => Receive<RunProgressed>(_ => started.TrySetResult());
    }
}
