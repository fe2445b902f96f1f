using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Arbiter;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Tests.Hosting;

public sealed class ClusterSettingsTests
{
    private static readonly string ClusterConf = Path.Combine(AppContext.BaseDirectory, "hocon", "cluster.conf");

    [Fact]
    public void The_shipped_cluster_conf_makes_a_coordinator_and_trainer_node_on_postgresql_with_lease_majority()
    {
        var config = LotteryConfig.FromFile(ClusterConf);
        var cluster = ClusterSettings.Read(config, RuntimeSettings.Read(config));

        Assert.True(cluster.IsCoordinator && cluster.IsTrainer);
        Assert.Equal(["127.0.0.1:4053"], cluster.SeedNodes);
        Assert.Equal("lease-majority", cluster.DowningStrategy);
        Assert.Equal(new DatabaseLease(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)),
            cluster.Lease);
        Assert.Equal(TimeSpan.FromSeconds(2), cluster.DownRemovalMargin);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7)), (cluster.HeartbeatPause, cluster.StableAfter));
        Assert.Equal(cluster.Hostname, cluster.PublicHostname);
        Assert.Equal(TimeSpan.FromSeconds(60), cluster.Work.LeaseTimeout);
        Assert.Equal(GiveBackRule.Default, cluster.Work.GiveBacks);
        Assert.Equal(TimeSpan.FromMinutes(30), cluster.Work.StallTimeout);
    }

    [Fact]
    public void A_cluster_on_the_sqlite_journal_is_refused_in_one_line_saying_why()
    {
        var config = LotteryConfig.FromText("lottery.runtime.journal = sqlite");

        var refused = Assert.Throws<SpecException>(() => ClusterSettings.Read(config, RuntimeSettings.Read(config)));

        Assert.Equal("lottery.runtime.journal", refused.Key);
        Assert.Contains("a cluster needs postgresql", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Theory]
    [InlineData("lottery.cluster.roles = \"coordinator,gpu\"", "lottery.cluster.roles", "coordinator, trainer")]
    [InlineData("lottery.cluster.port = 70000", "lottery.cluster.port", "0 (any free port) to 65535")]
    [InlineData("lottery.cluster.seed-nodes = \"10.0.0.1\"", "lottery.cluster.seed-nodes", "host:port")]
    [InlineData("lottery.cluster.downing = auto-down", "lottery.cluster.downing", "keep-majority")]
    [InlineData("lottery.cluster.work.renew-every = 40s", "lottery.cluster.work.renew-every", "at most half")]
    [InlineData("lottery.cluster.work.max-give-backs = 0", "lottery.cluster.work.max-give-backs", "1 or more")]
    [InlineData("lottery.cluster.work.stall-timeout = 20s", "lottery.cluster.work.stall-timeout", "three renewals")]
    [InlineData("lottery.cluster.downing = static-quorum", "lottery.cluster.quorum-size", "static-quorum needs")]
    [InlineData("lottery.cluster.work.give-back-nodes = 0", "lottery.cluster.work.give-back-nodes", "1 or more")]
    [InlineData("lottery.cluster.lease.heartbeat-interval = 10s", "lottery.cluster.lease.heartbeat-interval",
        "less than half of lease.heartbeat-timeout")]
    [InlineData("lottery.cluster.lease.operation-timeout = 0s", "lottery.cluster.lease.operation-timeout",
        "more than 0s")]
    [InlineData("lottery.cluster.lease.heartbeat-timeout = 30s", "lottery.cluster.lease.heartbeat-timeout",
        "has expired when the survivors decide")]
    [InlineData("lottery.cluster.down-removal-margin = 0s", "lottery.cluster.down-removal-margin", "more than 0s")]
    [InlineData("lottery.cluster.failure-detector.acceptable-heartbeat-pause = 2s",
        "lottery.cluster.failure-detector.acceptable-heartbeat-pause", "3 s or more")]
    // The shipped 7 s stable-after and 5 s pause: the survivors decide 12 s after a death at the earliest.
    [InlineData("lottery.cluster.lease.heartbeat-timeout = 12s", "lottery.cluster.lease.heartbeat-timeout",
        "less than stable-after plus failure-detector.acceptable-heartbeat-pause (00:00:12)")]
    public void A_bad_cluster_setting_names_its_key_and_what_is_allowed(string line, string key, string allowed)
    {
        var config = LotteryConfig.FromText(
            $"{line}\nlottery.runtime {{ journal = postgresql, connection-string = \"Host=x\" }}");

        var refused = Assert.Throws<SpecException>(() => ClusterSettings.Read(config, RuntimeSettings.Read(config)));

        Assert.Equal(key, refused.Key);
        Assert.Contains(allowed, refused.Message);
    }

    /// <summary>
    /// A static-quorum node starts: its quorum size reaches Akka's split brain resolver, which refuses to start the
    /// cluster without one (before, validation passed and the node could not start).
    /// </summary>
    [Fact]
    public async Task A_static_quorum_node_with_its_quorum_size_starts_its_cluster()
    {
        var config = LotteryConfig.FromText("""
            lottery.cluster { downing = static-quorum, quorum-size = 2, port = 0 }
            lottery.runtime { journal = postgresql, connection-string = "Host=x" }
            """);
        var runtime = RuntimeSettings.Read(config);
        var akka = ClusterHocon.For(ClusterSettings.Read(config, runtime), runtime);

        // What the resolver reads when its node starts; "undefined" (nothing written) throws here.
        var resolver = new Akka.Cluster.SBR.SplitBrainResolverSettings(akka);
        using var system = Akka.Actor.ActorSystem.Create(ClusterHocon.SystemName, akka);
        var cluster = Akka.Cluster.Cluster.Get(system);

        Assert.Equal(2, resolver.StaticQuorumSettings.Size);
        Assert.NotNull(cluster.DowningProvider.DowningActorProps);
        await system.Terminate();
    }

    [Fact]
    public void Environment_variables_override_the_file_so_one_file_serves_every_machine()
    {
        var environment = new Dictionary<string, string>
        {
            ["LOTTERY_ROLES"] = "trainer",
            ["LOTTERY_PUBLIC_HOSTNAME"] = "gpu-box.lab",
            ["LOTTERY_PORT"] = "5000",
            ["LOTTERY_SEED_NODES"] = "10.0.0.1:4053, 10.0.0.2:4053",
            ["LOTTERY_SLOTS"] = "3",
            ["LOTTERY_CONNECTION_STRING"] = "Host=db.lab;Database=lottery;Username=lab",
        };
        var config = ClusterEnvironment.Apply(LotteryConfig.FromFile(ClusterConf), environment.GetValueOrDefault);
        var runtime = RuntimeSettings.Read(config);
        var cluster = ClusterSettings.Read(config, runtime);

        Assert.Equal(["trainer"], cluster.Roles);
        Assert.Equal(("127.0.0.1", "gpu-box.lab", 5000), (cluster.Hostname, cluster.PublicHostname, cluster.Port));
        Assert.Equal(["10.0.0.1:4053", "10.0.0.2:4053"], cluster.SeedNodes);
        Assert.Equal(3, runtime.Slots);
        Assert.Equal("Host=db.lab;Database=lottery;Username=lab", runtime.ConnectionString);
    }

    [Fact]
    public void Remoting_binds_the_configured_address_and_the_resolver_is_the_configured_strategy()
    {
        var config = LotteryConfig.FromFile(ClusterConf);
        var runtime = RuntimeSettings.Read(config);
        var cluster = ClusterSettings.Read(config, runtime) with { Hostname = "10.1.2.3", PublicHostname = "node.lab" };

        var akka = ClusterHocon.For(cluster, runtime);

        Assert.Equal("10.1.2.3", akka.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal("node.lab", akka.GetString("akka.remote.dot-netty.tcp.public-hostname"));
        Assert.Equal(["akka.tcp://lottery@127.0.0.1:4053"], akka.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("lease-majority", akka.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Contains("SplitBrainResolverProvider", akka.GetString("akka.cluster.downing-provider-class"));
    }

    /// <summary>
    /// The coordinator singleton and the resolver both take the database lease, and only coordinator-role members
    /// count for majority: a role-less client (<c>submit</c>, <c>status</c>) never tips a decision.
    /// </summary>
    [Fact]
    public void The_singleton_and_the_resolver_take_the_database_lease_and_only_coordinators_count()
    {
        var config = LotteryConfig.FromFile(ClusterConf);
        var runtime = RuntimeSettings.Read(config);

        var akka = ClusterHocon.For(ClusterSettings.Read(config, runtime), runtime);

        Assert.Equal(DatabaseLease.ConfigPath, akka.GetString("akka.cluster.singleton.use-lease"));
        var resolver = new Akka.Cluster.SBR.SplitBrainResolverSettings(akka).LeaseMajoritySettings;
        Assert.Equal(DatabaseLease.ConfigPath, resolver.LeaseImplementation);
        Assert.Equal("coordinator", resolver.Role);
        // Losses that keep coming (two machines dying seconds apart) are decided by the lease, not by downing all.
        Assert.Equal(TimeSpan.Zero, new Akka.Cluster.SBR.SplitBrainResolverSettings(akka).DownAllWhenUnstable);
        var lease = akka.GetConfig(DatabaseLease.ConfigPath);
        Assert.Equal(typeof(PostgresLease), Type.GetType(lease.GetString("lease-class"), throwOnError: true));
        Assert.Equal(runtime.ConnectionString, lease.GetString("connection-string"));
        Assert.Equal(TimeSpan.FromSeconds(10), lease.GetTimeSpan("heartbeat-timeout"));
        Assert.Equal(TimeSpan.FromSeconds(2), akka.GetTimeSpan("akka.cluster.down-removal-margin"));
    }

    /// <summary>
    /// The failure detector's pause is the configured one, and cluster and remoting actors (heartbeats, gossip,
    /// endpoints) run on a dispatcher with threads of their own, never on the thread pool the journal shares.
    /// </summary>
    [Fact]
    public void Heartbeats_run_on_threads_of_their_own_with_the_configured_pause()
    {
        var config = LotteryConfig.FromText(
            "lottery.cluster.failure-detector.acceptable-heartbeat-pause = 4s\n" +
            "lottery.runtime { journal = postgresql, connection-string = \"Host=x\" }");
        var runtime = RuntimeSettings.Read(config);

        var akka = ClusterHocon.For(ClusterSettings.Read(config, runtime), runtime);

        Assert.Equal(TimeSpan.FromSeconds(4),
            akka.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(ClusterHocon.Dispatcher, akka.GetString("akka.cluster.use-dispatcher"));
        Assert.Equal(ClusterHocon.Dispatcher, akka.GetString("akka.remote.use-dispatcher"));
        var dispatcher = akka.GetConfig(ClusterHocon.Dispatcher);
        Assert.Equal("ForkJoinDispatcher", dispatcher.GetString("type"));
        Assert.Equal(2, dispatcher.GetInt("dedicated-thread-pool.thread-count"));
    }
}
