using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;

namespace LotteryActors.Cluster.Arbiter;

/// <summary>
/// The clocks of the lab's database lease (<c>lottery.cluster.lease</c>), and the Akka settings that make the
/// coordinator singleton (<c>use-lease</c>) and, with <c>downing = lease-majority</c>, the split brain resolver take
/// a <see cref="PostgresLease"/>: so two coordinators never run at once, and the side of a split that can take the
/// lease in the database survives, however many members it has lost.
/// </summary>
/// <param name="HeartbeatTimeout">How long a row outlives its holder's last renewal: what a crashed holder costs.
/// </param>
/// <param name="HeartbeatInterval">How often the holder renews (under half the timeout).</param>
/// <param name="OperationTimeout">The longest one statement may take before it counts as failed.</param>
public sealed record DatabaseLease(TimeSpan HeartbeatTimeout, TimeSpan HeartbeatInterval, TimeSpan OperationTimeout)
{
    public const string LeaseMajority = "lease-majority";

    /// <summary>Where the lease's own settings live in the Akka config (what <c>use-lease</c> names).</summary>
    public const string ConfigPath = "akka.coordination.lottery-postgres";

    /// <param name="downing">The resolver's strategy: only <see cref="LeaseMajority"/> takes the lease.</param>
    public string Hocon(string connectionString, string downing)
    {
        var leaseClass = $"{typeof(PostgresLease).FullName}, {typeof(PostgresLease).Assembly.GetName().Name}";
        var sbr = downing != LeaseMajority ? "" : $$"""
            # Only coordinator-role members count for majority (role-less clients such as `submit` never do);
            # whichever side takes the lease downs the other, so a lost majority is survived while one side can
            # reach the database.
            akka.cluster.split-brain-resolver.lease-majority {
              lease-implementation = "{{ConfigPath}}"
              lease-name = "lottery-akka-sbr"
              role = "{{CoordinatorSingleton.Role}}"
            }
            # Akka downs every member when losses keep coming for stable-after plus 3/4 of it after the first one
            # (two machines dying 15 s apart did, under the 20 s default): a guard against two sides deciding apart
            # in a flapping network, which the lease already gives. Without it such a network delays the decision.
            akka.cluster.split-brain-resolver.down-all-when-unstable = off
            """;
        return $$"""
            {{ConfigPath}} {
              lease-class = {{ClusterHocon.Quote(leaseClass)}}
              connection-string = {{ClusterHocon.Quote(connectionString)}}
              heartbeat-timeout = {{ClusterHocon.Duration(HeartbeatTimeout)}}
              heartbeat-interval = {{ClusterHocon.Duration(HeartbeatInterval)}}
              lease-operation-timeout = {{ClusterHocon.Duration(OperationTimeout)}}
            }
            # The coordinator starts only on the node that holds the lease; a node that cannot take it retries.
            akka.cluster.singleton {
              use-lease = "{{ConfigPath}}"
              lease-retry-interval = {{ClusterHocon.Duration(HeartbeatInterval)}}
            }
            {{sbr}}
            """;
    }
}
