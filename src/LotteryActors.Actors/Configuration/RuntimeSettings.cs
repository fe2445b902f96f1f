using Akka.Configuration;
using LotteryActors.Actors.Protocol;
using LotteryActors.Training;
using LotteryActors.Training.Spec;
using TorchSharp;

namespace LotteryActors.Actors.Configuration;

public enum JournalBackend { Sqlite, Postgresql }

/// <summary>Where artifacts live: a directory (local or a shared mount), or the journal's PostgreSQL database.
/// </summary>
public enum ArtifactBackendKind { Directory, Postgresql }

/// <summary>How this node runs a search (<c>lottery.runtime</c>); none of it changes results, so none of it is in the search id.</summary>
public sealed record RuntimeSettings(
    string Home,
    string ArtifactsDirectory,
    int Slots,
    int TorchThreads,
    string Device,
    int ChunkIterations,
    int MaxRestarts,
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff,
    int SnapshotEvery,
    JournalBackend Journal,
    string ConnectionString,
    ArtifactBackendKind ArtifactBackend = ArtifactBackendKind.Directory)
{
    private const string Root = "lottery.runtime";

    /// <summary>This node's Prometheus endpoint (<c>lottery.runtime.metrics</c>); off by default.</summary>
    public MetricsSettings Metrics { get; init; } = MetricsSettings.Off;

    /// <summary>
    /// The most bytes this node's cache of database artifacts may hold (<c>lottery.runtime.artifact-cache-size</c>);
    /// 0 for no limit. The directory store is never trimmed: its files are the only copy.
    /// </summary>
    public long ArtifactCacheLimit { get; init; }

    /// <summary>
    /// How often a coordinator on this node publishes its running units' progress to the journal's database for
    /// <c>lottery serve</c> (<c>lottery.runtime.unit-progress-every</c>; <see cref="Persistence.UnitProgressTable"/>);
    /// zero: never. Settings built in code (tests) publish nothing.
    /// </summary>
    public TimeSpan UnitProgressEvery { get; init; }

    /// <summary>How the device trains: each run alone or stacked (<c>lottery.runtime.engine</c>).</summary>
    public EngineSettings Engine { get; init; } = EngineSettings.Default;

    /// <summary>How a node with these settings trains a run on <paramref name="device"/>, as far as its bits are
    /// concerned: a single node journals it per search, a cluster node sends it with each run's result.</summary>
    public TrainingSetup SetupOn(DeviceType device)
    {
        var stacks = Engine.Stacks(device);
        return new TrainingSetup(device.ToString().ToLowerInvariant(), stacks ? "stacked" : "separate",
            stacks ? Engine.StackSize : null, TorchThreads);
    }

    /// <summary>Overrides <c>lottery.runtime.home</c>, so a container can point every node at its volume.</summary>
    public const string HomeVariable = "LOTTERY_HOME";

    public static RuntimeSettings Read(Config config)
    {
        var c = new SettingsSection(config, Root);
        var home = Path.GetFullPath(Environment.GetEnvironmentVariable(HomeVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : c.Text("home"));
        var artifacts = c.Text("artifacts");
        var slots = c.Int("slots");
        Require(slots >= 0, "slots", $"is {slots}; allowed: 0 (one per core) or a positive count");
        var trainers = slots == 0 ? Environment.ProcessorCount : slots;
        var torchThreads = c.Int("torch-threads");
        Require(torchThreads >= 0, "torch-threads", $"is {torchThreads}; allowed: 0 (cores / slots) or a positive count");
        var device = c.Text("device");
        Require(device == "cpu" || System.Text.RegularExpressions.Regex.IsMatch(device, "^cuda(:[0-9]+)?$"), "device",
            $"is '{device}'; allowed: cpu, cuda, cuda:N");
        Require(device == "cpu" || TorchBuild.CudaAvailable, "device",
            $"is '{device}', but this process's libtorch finds no CUDA device " +
            $"(TorchSharp-{TorchBuild.DevicePackage}); use device = cpu, " +
            "or give it a CUDA libtorch (deploy/cuda/README.md)");
        var chunk = c.Int("chunk-iterations");
        Require(chunk >= 1, "chunk-iterations", $"is {chunk}; allowed: 1 or more");
        var restarts = c.Int("max-restarts");
        Require(restarts >= 0, "max-restarts", $"is {restarts}; allowed: 0 or more");
        var snapshotEvery = c.Int("snapshot-every");
        Require(snapshotEvery >= 1, "snapshot-every", $"is {snapshotEvery}; allowed: 1 or more");
        var journalText = c.Text("journal");
        Require(SpecNames.TryParse<JournalBackend>(journalText, out var journal), "journal",
            $"is '{journalText}'; allowed: {string.Join(", ", SpecNames.All<JournalBackend>())}");
        var connection = c.Text("connection-string");
        Require(journal != JournalBackend.Postgresql || connection.Length > 0, "connection-string",
            "is empty; a postgresql journal needs one (Host=...;Database=...;Username=...)");
        if (journal == JournalBackend.Postgresql)
            RequireConnectionString(connection);
        var storeText = c.Text("artifact-store");
        Require(SpecNames.TryParse<ArtifactBackendKind>(storeText, out var store), "artifact-store",
            $"is '{storeText}'; allowed: {string.Join(", ", SpecNames.All<ArtifactBackendKind>())}");
        Require(store != ArtifactBackendKind.Postgresql || journal == JournalBackend.Postgresql, "artifact-store",
            "is postgresql, but the journal is not; artifacts live in the journal's database, so set " +
            "journal = postgresql too");
        var unitProgressEvery = c.Time("unit-progress-every");
        Require(unitProgressEvery >= TimeSpan.Zero, "unit-progress-every",
            $"is {unitProgressEvery}; allowed: 0s (never publish) or more");
        var cacheLimit = c.Bytes("artifact-cache-size");
        Require(cacheLimit >= 0, "artifact-cache-size", $"is {cacheLimit}; allowed: 0 (no limit) or a size");
        return new RuntimeSettings(
            home,
            string.IsNullOrEmpty(artifacts) ? Path.Combine(home, "artifacts") : Path.GetFullPath(artifacts),
            trainers,
            torchThreads == 0 ? Math.Max(1, Environment.ProcessorCount / trainers) : torchThreads,
            device,
            chunk,
            restarts,
            c.Time("min-backoff"),
            c.Time("max-backoff"),
            snapshotEvery,
            journal,
            connection,
            store)
        {
            Metrics = MetricsSettings.Read(config, Environment.GetEnvironmentVariable(MetricsSettings.TokenVariable)),
            Engine = EngineSettings.Read(config),
            ArtifactCacheLimit = cacheLimit,
            UnitProgressEvery = unitProgressEvery,
        };
    }

    /// <summary>
    /// The wait before retry <paramref name="attempt"/> (from 1): min-backoff, doubling up to max-backoff.
    /// </summary>
    public TimeSpan Backoff(int attempt)
    {
        var doubled = MinBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(Math.Min(doubled, MaxBackoff.TotalMilliseconds));
    }

    /// <summary>
    /// A malformed connection string would surface as a bug's ArgumentException at the first query: refused here
    /// as bad input instead. Npgsql's message names the offending key or position, never the value (a password may
    /// be in it), and neither does this one.
    /// </summary>
    private static void RequireConnectionString(string connection)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        }
        catch (ArgumentException e)
        {
            throw new SpecException($"{Root}.connection-string",
                $"is not a PostgreSQL connection string ({e.Message.TrimEnd('.')}); the form is " +
                "Host=...;Database=...;Username=... (set in the config file or LOTTERY_CONNECTION_STRING)");
        }
    }

    private static void Require(bool condition, string key, string problem)
    {
        if (!condition)
            throw new SpecException($"{Root}.{key}", problem);
    }
}
