using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Arbiter;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Hosting;

/// <summary>What a node is in the cluster (<c>lottery.cluster</c>): its roles, its address, whom it joins.</summary>
public sealed record ClusterSettings(
    IReadOnlyList<string> Roles,
    string Hostname,
    string PublicHostname,
    int Port,
    IReadOnlyList<string> SeedNodes,
    string DowningStrategy,
    TimeSpan StableAfter,
    TimeSpan JoinTimeout,
    WorkTiming Work,
    int SnapshotEvery)
{
    public const string TrainerRole = "trainer";
    private const string Root = "lottery.cluster";
    private static readonly string[] KnownRoles = [CoordinatorSingleton.Role, TrainerRole];
    public const string StaticQuorum = "static-quorum";
    private static readonly string[] Strategies =
        [DatabaseLease.LeaseMajority, "keep-majority", "keep-oldest", StaticQuorum];

    /// <summary>Akka's own default: a shorter pause would count a loaded machine's late heartbeats as its death.
    /// </summary>
    private static readonly TimeSpan MinimumHeartbeatPause = TimeSpan.FromSeconds(3);

    public bool IsCoordinator => Roles.Contains(CoordinatorSingleton.Role);

    public bool IsTrainer => Roles.Contains(TrainerRole);

    /// <summary>The lab's PKCS#12 certificate for TLS between nodes (<see cref="ClusterTls"/>); empty: no TLS.
    /// </summary>
    public string TlsCertificate { get; init; } = "";

    /// <summary>The lab CA's certificate that signs every node's (<c>tls.ca</c>); empty: one shared certificate.
    /// </summary>
    public string TlsCa { get; init; } = "";

    /// <summary>Thumbprints of node certificates the lab no longer accepts (<c>tls.revoked</c>).</summary>
    public IReadOnlyList<string> TlsRevoked { get; init; } = [];

    /// <summary>The members a <c>static-quorum</c> cluster keeps running with (<c>quorum-size</c>); 0 otherwise.
    /// </summary>
    public int QuorumSize { get; init; }

    /// <summary>
    /// How long a client following a search (<c>submit --wait</c>, <c>resume</c>) keeps asking while no coordinator
    /// answers (<c>follow-patience</c>): a hand-over to the next coordinator node takes tens of seconds.
    /// </summary>
    public TimeSpan FollowPatience { get; init; }

    /// <summary>The database lease that guards the coordinator singleton and, with <c>lease-majority</c>, downing
    /// (<c>lease</c>); null: none (nodes built in a test without a lease table).</summary>
    public DatabaseLease? Lease { get; init; }

    /// <summary>
    /// How long a member's heartbeats may be late before the cluster stops hearing it
    /// (<c>failure-detector.acceptable-heartbeat-pause</c>): its leases end then and its units run elsewhere, and
    /// the resolver downs it <see cref="StableAfter"/> later. Nodes built in code (tests) keep the 10 s that was the
    /// only value before the key; lottery.conf's default is shorter.
    /// </summary>
    public TimeSpan HeartbeatPause { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a downed member stays before it is removed (<c>down-removal-margin</c>); zero: Akka's
    /// default, <see cref="StableAfter"/>.</summary>
    public TimeSpan DownRemovalMargin { get; init; }

    /// <summary>
    /// Reads <c>lottery.cluster</c> and refuses a node that cannot share the cluster's journal: every coordinator
    /// node must recover the same searches, which an embedded SQLite file on one machine cannot give.
    /// </summary>
    public static ClusterSettings Read(Config config, RuntimeSettings runtime)
    {
        if (runtime.Journal != JournalBackend.Postgresql)
            throw new SpecException("lottery.runtime.journal",
                $"is '{SpecNames.Of(runtime.Journal)}'; a cluster needs postgresql: every coordinator node must " +
                "read the same journal, and an embedded SQLite file lives on one machine");
        var c = new SettingsSection(config, Root);
        var roles = List(c.Text("roles"));
        Require(roles.Count > 0 && roles.All(KnownRoles.Contains), "roles",
            $"is '{c.Text("roles")}'; allowed: a comma-separated list of {string.Join(", ", KnownRoles)}");
        var hostname = c.Text("hostname");
        Require(hostname.Length > 0, "hostname", "is empty; allowed: the address to bind, such as 0.0.0.0 or 10.0.0.7");
        var port = c.Int("port");
        Require(port is >= 0 and <= 65535, "port", $"is {port}; allowed: 0 (any free port) to 65535");
        var seeds = List(c.Text("seed-nodes"));
        foreach (var seed in seeds)
            Require(seed.Split(':') is [{ Length: > 0 }, var p] && int.TryParse(p, out var n) && n is > 0 and <= 65535,
                "seed-nodes", $"has '{seed}'; allowed: host:port entries separated by commas");
        var strategy = c.Text("downing");
        Require(Strategies.Contains(strategy), "downing",
            $"is '{strategy}'; allowed: {string.Join(", ", Strategies)}");
        var quorum = c.Int("quorum-size");
        Require(quorum >= 0, "quorum-size", $"is {quorum}; allowed: 0 (unset) or more");
        Require(strategy != StaticQuorum || quorum >= 1, "quorum-size",
            "is 0; downing = static-quorum needs the number of members the cluster keeps running with, more than " +
            "half of them (2 of 3, 3 of 5)");
        var work = new WorkTiming(c.Time("work.lease-timeout"), c.Time("work.expiry-check"),
            c.Time("work.renew-every"), c.Time("work.pull-every"), c.Time("work.redeliver-every"))
        {
            GiveBacks = new GiveBackRule(c.Int("work.give-back-nodes"), c.Int("work.max-give-backs"),
                c.Time("work.give-back-backoff"))
            {
                CordonAfter = c.Int("work.cordon-after"),
                CordonWindow = c.Time("work.cordon-window"),
            },
            StallTimeout = c.Time("work.stall-timeout"),
            DrainTimeout = c.Time("work.drain-timeout"),
        };
        Require(work.DrainTimeout >= TimeSpan.Zero, "work.drain-timeout",
            $"is {work.DrainTimeout}; allowed: 0s (leave at once) or more");
        Require(work.StallTimeout == TimeSpan.Zero || work.StallTimeout > work.RenewEvery * 3, "work.stall-timeout",
            $"is {work.StallTimeout}; allowed: 0s (never) or more than three renewals ({work.RenewEvery * 3})");
        Require(work.GiveBacks.Total >= 1, "work.max-give-backs",
            $"is {work.GiveBacks.Total}; allowed: 1 or more (1: a unit may fail at its first give-back)");
        Require(work.GiveBacks.Nodes >= 1, "work.give-back-nodes",
            $"is {work.GiveBacks.Nodes}; allowed: 1 or more (1: one node's give-backs may fail a unit)");
        Require(work.GiveBacks.CordonAfter is >= 0 and <= GiveBackRule.RememberedPerNode, "work.cordon-after",
            $"is {work.GiveBacks.CordonAfter}; allowed: 0 (never cordon) to {GiveBackRule.RememberedPerNode}");
        Require(work.RenewEvery * 2 <= work.LeaseTimeout, "work.renew-every",
            $"is {work.RenewEvery}; allowed: at most half of work.lease-timeout ({work.LeaseTimeout}), " +
            "so one lost renewal does not cost a lease");
        var snapshotEvery = c.Int("snapshot-every");
        Require(snapshotEvery >= 1, "snapshot-every", $"is {snapshotEvery}; allowed: 1 or more");
        var followPatience = c.Time("follow-patience");
        Require(followPatience >= TimeSpan.Zero, "follow-patience",
            $"is {followPatience}; allowed: 0s (give up at the first unanswered question) or more");
        var stableAfter = c.Time("stable-after");
        var heartbeatPause = c.Time("failure-detector.acceptable-heartbeat-pause");
        Require(heartbeatPause >= MinimumHeartbeatPause, "failure-detector.acceptable-heartbeat-pause",
            $"is {heartbeatPause}; allowed: {MinimumHeartbeatPause.TotalSeconds:0} s or more (a few missed " +
            "heartbeats, sent every second, on a machine whose cores all train)");
        var lease = ReadLease(c, strategy, stableAfter + heartbeatPause);
        var removalMargin = c.Time("down-removal-margin");
        Require(removalMargin > TimeSpan.Zero, "down-removal-margin",
            $"is {removalMargin}; allowed: more than 0s (a few gossip rounds, so every member learns of the downing)");
        var tlsCertificate = c.Text("tls.certificate");
        var tlsCa = c.Text("tls.ca");
        Require(tlsCa.Length == 0 || tlsCertificate.Length > 0, "tls.ca",
            "is set, but tls.certificate is not; a lab CA signs each node's own certificate: set both, or neither");
        var revoked = List(c.Text("tls.revoked")).Select(ClusterTls.Thumbprint).ToList();
        var badThumbprint = revoked.FirstOrDefault(t => t.Length != 40 || !t.All(char.IsAsciiHexDigit));
        Require(badThumbprint is null, "tls.revoked",
            $"holds '{badThumbprint}'; allowed: SHA-1 thumbprints (40 hex digits, colons allowed), comma-separated");
        var publicHostname = c.Text("public-hostname");
        return new ClusterSettings(roles, hostname, publicHostname.Length > 0 ? publicHostname : hostname, port, seeds,
            strategy, stableAfter, c.Time("join-timeout"), work, snapshotEvery)
        {
            Lease = lease,
            DownRemovalMargin = removalMargin,
            TlsCertificate = tlsCertificate,
            TlsCa = tlsCa,
            TlsRevoked = revoked,
            QuorumSize = quorum,
            FollowPatience = followPatience,
            HeartbeatPause = heartbeatPause,
        };
    }

    /// <summary>
    /// The lease's clocks. Under <c>lease-majority</c> a crashed holder's row must have expired by the time the
    /// survivors decide, <paramref name="decided"/> after its death at the earliest (the heartbeat pause plus
    /// <c>stable-after</c>): the resolver does not retry, and a side that cannot take the lease downs itself.
    /// </summary>
    private static DatabaseLease ReadLease(SettingsSection c, string strategy, TimeSpan decided)
    {
        var lease = new DatabaseLease(c.Time("lease.heartbeat-timeout"), c.Time("lease.heartbeat-interval"),
            c.Time("lease.operation-timeout"));
        Require(lease.HeartbeatInterval > TimeSpan.Zero && lease.HeartbeatInterval * 2 < lease.HeartbeatTimeout,
            "lease.heartbeat-interval", $"is {lease.HeartbeatInterval}; allowed: more than 0s and less than half of " +
            $"lease.heartbeat-timeout ({lease.HeartbeatTimeout})");
        Require(lease.OperationTimeout > TimeSpan.Zero && lease.OperationTimeout < lease.HeartbeatTimeout,
            "lease.operation-timeout", $"is {lease.OperationTimeout}; allowed: more than 0s and less than " +
            $"lease.heartbeat-timeout ({lease.HeartbeatTimeout})");
        Require(strategy != DatabaseLease.LeaseMajority || lease.HeartbeatTimeout < decided,
            "lease.heartbeat-timeout", $"is {lease.HeartbeatTimeout}; allowed with downing = lease-majority: less " +
            $"than stable-after plus failure-detector.acceptable-heartbeat-pause ({decided}), so a crashed " +
            "holder's lease has expired when the survivors decide");
        return lease;
    }

    private static List<string> List(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static void Require(bool condition, string key, string problem)
    {
        if (!condition)
            throw new SpecException($"{Root}.{key}", problem);
    }
}
