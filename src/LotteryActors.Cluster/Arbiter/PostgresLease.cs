using System.Diagnostics;
using Akka.Actor;
using Akka.Coordination;
using Serilog;

namespace LotteryActors.Cluster.Arbiter;

/// <summary>
/// Akka's distributed lock (<see cref="Lease"/>) over the lab's PostgreSQL, the one thing every side of a split
/// still agrees on: a row of <see cref="LeaseTable"/> with an owner and an expiry, renewed every
/// <c>heartbeat-interval</c> while held. A row rather than an advisory lock: an advisory lock lives as long as its
/// database session, and the server notices the session of a machine that lost power or its network only when TCP
/// gives up (hours by default); a row held by a dead owner frees itself <c>heartbeat-timeout</c> after its last
/// renewal, by the database's clock. The coordinator singleton (<c>use-lease</c>) and the split brain resolver
/// (<c>lease-majority</c>) each take one by name; <see cref="LeaseProvider"/> makes it from
/// <see cref="DatabaseLease"/>'s settings.
/// </summary>
public sealed class PostgresLease : Lease, IDisposable
{
    private static readonly ILogger Log = Serilog.Log.ForContext<PostgresLease>();
    private readonly LeaseTable table;
    private readonly object gate = new();
    private Holding? holding;

    /// <summary>The constructor <see cref="LeaseProvider"/> calls; the database is the lease config's
    /// <c>connection-string</c>. Renewals stop when the actor system terminates: a node that downed itself must
    /// let its leases expire, never hold them for as long as its process lives.</summary>
    public PostgresLease(LeaseSettings settings, ActorSystem system)
        : this(settings, settings.LeaseConfig.GetString("connection-string"))
    {
        system.RegisterOnTermination(Dispose);
    }

    public PostgresLease(LeaseSettings settings, string connectionString) : base(settings)
    {
        table = new LeaseTable(connectionString);
    }

    private string Name => Settings.LeaseName;

    private string Owner => Settings.OwnerName;

    private TimeSpan Ttl => Settings.TimeoutSettings.HeartbeatTimeout;

    public override Task<bool> Acquire() => Acquire(null);

    public override async Task<bool> Acquire(Action<Exception>? leaseLostCallback)
    {
        var started = Stopwatch.GetTimestamp();
        bool taken;
        try
        {
            using var timeout = new CancellationTokenSource(Settings.TimeoutSettings.OperationTimeout);
            taken = await table.TryTake(Name, Owner, Ttl, timeout.Token);
        }
        catch (Exception e) when (e is not LeaseException)
        {
            // It may have been taken before the answer was lost; then it expires unrenewed, or this owner retakes it.
            throw new LeaseException($"could not acquire lease {Name} for {Owner}: {e.Message}", e);
        }
        if (!taken)
            return false;
        lock (gate)
        {
            if (holding is null)
            {
                holding = new Holding(leaseLostCallback, HeldUntil(started));
                _ = Heartbeat(holding);
                Log.Information("lease {Lease} acquired by {Owner}", Name, Owner);
            }
            else
                holding.Confirm(HeldUntil(started));
        }
        return true;
    }

    /// <summary>Stops renewing and deletes this owner's row; true also when it held nothing (nothing is held).
    /// </summary>
    public override async Task<bool> Release()
    {
        lock (gate)
        {
            holding?.Stop.Cancel();
            holding = null;
        }
        try
        {
            using var timeout = new CancellationTokenSource(Settings.TimeoutSettings.OperationTimeout);
            await table.Release(Name, Owner, timeout.Token);
        }
        catch (Exception e)
        {
            throw new LeaseException($"could not release lease {Name} of {Owner}: {e.Message}", e);
        }
        Log.Information("lease {Lease} released by {Owner}", Name, Owner);
        return true;
    }

    /// <summary>True while this owner certainly holds the lease: its last confirmed renewal, counted from before the
    /// statement was sent, plus <c>heartbeat-timeout</c> is still ahead (the database's expiry is no earlier).
    /// </summary>
    public override bool CheckLease()
    {
        lock (gate)
            return holding is not null && Stopwatch.GetTimestamp() < holding.ValidUntil;
    }

    public void Dispose()
    {
        lock (gate)
        {
            holding?.Stop.Cancel();
            holding = null;
        }
        table.Dispose();
    }

    private long HeldUntil(long started) => started + (long)(Ttl.TotalSeconds * Stopwatch.Frequency);

    /// <summary>
    /// Renews every <c>heartbeat-interval</c> until released. The first renewal that fails (the row is another
    /// owner's, the database does not answer within <c>lease-operation-timeout</c>, the connection is gone) ends the
    /// holding and reports the lease lost: then at least <c>heartbeat-timeout</c> minus one interval remains before
    /// another owner can take the row, time for the singleton to stop. A singleton that lost its lease starts again
    /// once it retakes it, which an answering database grants its owner at once.
    /// </summary>
    private async Task Heartbeat(Holding held)
    {
        using var timer = new PeriodicTimer(Settings.TimeoutSettings.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(held.Stop.Token))
            {
                var started = Stopwatch.GetTimestamp();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(held.Stop.Token);
                timeout.CancelAfter(Settings.TimeoutSettings.OperationTimeout);
                if (!await table.Renew(Name, Owner, Ttl, timeout.Token))
                {
                    Lose(held, new LeaseException($"lease {Name} of {Owner} was taken by another owner"));
                    return;
                }
                lock (gate)
                    held.Confirm(HeldUntil(started));
            }
        }
        catch (OperationCanceledException) when (held.Stop.IsCancellationRequested)
        {
            // Released, or the system terminated.
        }
        catch (Exception e)
        {
            Lose(held, new LeaseException($"lease {Name} of {Owner} could not be renewed: {e.Message}", e));
        }
    }

    private void Lose(Holding held, LeaseException reason)
    {
        lock (gate)
        {
            if (holding != held)
                return;
            holding = null;
            held.Stop.Cancel();
        }
        Log.Warning("lease {Lease} lost by {Owner}: {Reason}", Name, Owner, reason.Message);
        held.Lost?.Invoke(reason);
    }

    /// <summary>One period of holding the lease: its renewals, what to call when it is lost, and until when (on this
    /// machine's monotonic clock) it is certainly held. Guarded by the lease's gate.</summary>
    private sealed class Holding(Action<Exception>? lost, long validUntil)
    {
        public Action<Exception>? Lost { get; } = lost;

        public CancellationTokenSource Stop { get; } = new();

        public long ValidUntil { get; private set; } = validUntil;

        public void Confirm(long until) => ValidUntil = Math.Max(ValidUntil, until);
    }
}
