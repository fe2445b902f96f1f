using System.Text.Json;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Cluster.Trainers;
using LotteryActors.Cluster.Arbiter;
using LotteryActors.Cluster.Protocol;

namespace LotteryActors.Cluster.Hosting;

/// <summary>
/// The Akka settings of a cluster node: remoting bound only to the configured address, roles, seeds, the split
/// brain resolver, the database lease (<see cref="DatabaseLease"/>), the cluster serializer, and everything a single
/// node has (journal, trainer dispatcher).
/// </summary>
public static class ClusterHocon
{
    public const string SystemName = "lottery";

    /// <summary>
    /// Where cluster and remoting actors run (heartbeats, gossip, the endpoints' reads and writes): two threads of
    /// their own rather than the .NET thread pool that Akka's internal dispatcher shares with the journal's and the
    /// database lease's continuations. Trainers already run on threads of their own (the trainer dispatcher), so
    /// neither can queue behind the other; the OS still shares the cores between them.
    /// </summary>
    public const string Dispatcher = "lottery.cluster-dispatcher";

    public static Config For(ClusterSettings cluster, RuntimeSettings runtime)
    {
        var seeds = cluster.SeedNodes.Select(s => Quote($"akka.tcp://{SystemName}@{s}"));
        var remoting = $$"""
            akka {
              actor.provider = cluster
              remote.use-dispatcher = {{Dispatcher}}
              remote.dot-netty.tcp {
                hostname = {{Quote(cluster.Hostname)}}
                public-hostname = {{Quote(cluster.PublicHostname)}}
                port = {{cluster.Port}}
                # The certificate goes in through ClusterTls's DotNettySslSetup, so its password is never in HOCON.
                enable-ssl = {{(cluster.TlsCertificate.Length > 0 ? "on" : "off")}}
              }
              cluster {
                roles = [{{string.Join(", ", cluster.Roles.Select(Quote))}}]
                # Not the program's version: the cluster protocol's, which NodeLauncher compares on joining.
                app-version = {{Quote(ClusterSerializer.ProtocolVersion)}}
                seed-nodes = [{{string.Join(", ", seeds)}}]
                # A node that cannot reach a seed gives up instead of retrying for ever; `lottery node` says so.
                shutdown-after-unsuccessful-join-seed-nodes = {{Duration(cluster.JoinTimeout)}}
                down-removal-margin = {{Duration(cluster.DownRemovalMargin)}}
                failure-detector.acceptable-heartbeat-pause = {{Duration(cluster.HeartbeatPause)}}
                use-dispatcher = {{Dispatcher}}
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = {{cluster.DowningStrategy}}
                  stable-after = {{Duration(cluster.StableAfter)}}
                  # Read only by static-quorum, which cannot start without it (Akka's default is "undefined").
                  static-quorum.quorum-size = {{cluster.QuorumSize}}
                }
              }
              # A stopping trainer node drains in this phase (ClusterNode), before it leaves the cluster.
              coordinated-shutdown.phases.before-service-unbind.timeout = {{Duration(
                  cluster.Work.DrainTimeout + TimeSpan.FromSeconds(10))}}
            }
            {{Dispatcher}} {
              type = ForkJoinDispatcher
              throughput = 30
              dedicated-thread-pool { thread-count = 2, threadtype = background }
            }
            """;
        var lease = cluster.Lease?.Hocon(runtime.ConnectionString, cluster.DowningStrategy) ?? "";
        return ConfigurationFactory.ParseString(string.Join('\n', remoting, lease, ClusterSerializer.Hocon,
                TrainerDispatcher.Hocon))
            .WithFallback(JournalHocon.AkkaConfig(runtime))
            .WithFallback(ClusterSingleton.DefaultConfig());
    }

    internal static string Quote(string text) => JsonSerializer.Serialize(text);

    internal static string Duration(TimeSpan time) => $"{time.TotalMilliseconds:0}ms";
}
