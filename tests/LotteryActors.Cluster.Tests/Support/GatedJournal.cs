using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace LotteryActors.Cluster.Tests.Support;

/// <summary>
/// An in-memory journal whose writes a test holds back, as a slow database's commit would be: after
/// <see cref="Hold"/> every write waits until <see cref="Release"/>, so a test sees what a persistent actor does
/// while its events are not yet durable. It answers <see cref="WrittenRequested"/> with every event written so far,
/// in order. Messages to it go to <c>Persistence.Instance.Apply(system).JournalFor(null)</c>; each is answered.
/// </summary>
public sealed class GatedJournal : MemoryJournal
{
    private const string PluginId = "akka.persistence.journal.gated";

    /// <summary>This journal as the default one, beside the in-memory snapshot store. A held write outlasts the
    /// journal's default call timeout (10 s) only in a test that forgets to release it.</summary>
    public static readonly string Hocon = $$"""
        akka.persistence.journal.plugin = "{{PluginId}}"
        {{PluginId}} {
          class = "{{typeof(GatedJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private readonly List<object> written = [];
    private TaskCompletionSource gate = Opened();

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages,
        CancellationToken cancellationToken)
    {
        var batch = messages.ToList();
        await gate.Task;
        var result = await base.WriteMessagesAsync(batch, cancellationToken);
        lock (written)
            written.AddRange(batch.SelectMany(w => (IEnumerable<IPersistentRepresentation>)w.Payload)
                .Select(p => p.Payload));
        return result;
    }

    protected override bool ReceivePluginInternal(object message)
    {
        switch (message)
        {
            case HoldWrites:
                if (gate.Task.IsCompleted)
                    gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Sender.Tell(message);
                return true;
            case ReleaseWrites:
                gate.TrySetResult();
                Sender.Tell(message);
                return true;
            case WrittenRequested:
                lock (written)
                    Sender.Tell(written.ToList());
                return true;
            default:
                return base.ReceivePluginInternal(message);
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    /// <summary>From now on every write waits for <see cref="Release"/>; answered with itself.</summary>
    public static readonly object Hold = new HoldWrites();

    /// <summary>The writes held so far go on, and later ones are not held; answered with itself.</summary>
    public static readonly object Release = new ReleaseWrites();

    /// <summary>Answered with the events written so far, in order (a <c>List&lt;object&gt;</c>).</summary>
    public static readonly object Written = new WrittenRequested();

    private sealed record HoldWrites;

    private sealed record ReleaseWrites;

    private sealed record WrittenRequested;
}
