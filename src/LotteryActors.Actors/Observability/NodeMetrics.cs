using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace LotteryActors.Actors.Observability;

/// <summary>
/// What a node running a search tells Prometheus: what only the running process knows (throughput, slots, journal
/// latency, restarts), beside the counts the journal also holds. prometheus-net's metrics are process-wide and
/// thread-safe, so actors update them in place; nothing here sends a message or holds a tensor.
/// </summary>
public static class NodeMetrics
{
    private static readonly Counter RunsCompleted = Metrics.CreateCounter("lottery_runs_completed_total",
        "Training runs journaled by this node.");

    private static readonly Counter RunsFailed = Metrics.CreateCounter("lottery_runs_failed_total",
        "Runs that failed for a scientific reason (divergence), each journaled as its ticket's failure.");

    private static readonly Gauge ExamplesPerSecond = Metrics.CreateGauge("lottery_trainer_examples_per_second",
        "Training examples per second of each trainer over its last chunk; 0 between runs.", "trainer");

    private static readonly Gauge SlotsInUse = Metrics.CreateGauge("lottery_slots_in_use",
        "Training slots held by trainers now.");

    private static readonly Gauge SlotsTotal = Metrics.CreateGauge("lottery_slots",
        "Training slots of this node (lottery.runtime.slots).");

    private static readonly Gauge SlotUtilisation = Metrics.CreateGauge("lottery_slot_utilisation_ratio",
        "Slots in use over slots, 0 to 1.");

    // From 1 ms to about 16 s: a SQLite commit on a quiet disk up to a PostgreSQL server that is struggling.
    private static readonly Histogram JournalWrite = Metrics.CreateHistogram("lottery_journal_write_seconds",
        "Time from asking the journal to write a search event to the write being confirmed.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 15) });

    private static readonly Counter TrainerRestarts = Metrics.CreateCounter("lottery_trainer_restarts_total",
        "Trainers restarted after a fault that was not the ticket's science (a full disk, a bug).");

    // Only a cluster trainer node gives work back; a single-process search serves it at 0, like a fault-free node.
    private static readonly Counter UnitsGivenBack = Metrics.CreateCounter("lottery_units_given_back_total",
        "Cluster work units this node gave back to the coordinator after a fault that was not the run's science.");

    /// <summary>
    /// Explicit, so the metrics above are created before the endpoint starts (not lazily at first use): the first
    /// scrape already shows every family, at zero.
    /// </summary>
    static NodeMetrics()
    {
    }

    /// <summary>Starts this node's <c>/metrics</c> endpoint if the settings ask for one; dispose to stop it.</summary>
    /// <exception cref="IOException">
    /// The port is taken (another search or node on this machine with the same setting): an environmental fault
    /// (exit 5, like a cluster port in use), said in one line that names the setting instead of Kestrel's bind error.
    /// </exception>
    public static IDisposable? Serve(MetricsSettings settings)
    {
        if (!settings.Enabled)
            return null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{settings.Host}:{settings.Port}");
        var app = builder.Build();
        if (settings.Token is { } token)
            app.Use(next => context => BearerToken.Matches(BearerToken.Of(context.Request), token)
                ? next(context)
                : Unauthorized(context));
        app.MapMetrics();
        try
        {
            app.Start();
            return app;
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            ((IDisposable)app).Dispose();
            throw new IOException($"port {settings.Port} on {settings.Host} is in use (another search or node?); " +
                $"set {MetricsSettings.PortKey} to a free port, or 0 for no metrics", e);
        }
    }

    private static Task Unauthorized(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return context.Response.WriteAsync(
            $"these metrics need their token ({MetricsSettings.TokenVariable}) in an Authorization: Bearer header\n");
    }

    /// <summary>Any event the journal confirmed, <paramref name="latency"/> after it was handed to it.</summary>
    public static void JournalWritten(TimeSpan latency) => JournalWrite.Observe(latency.TotalSeconds);

    /// <summary>A training run's result was journaled.</summary>
    public static void RunCompleted() => RunsCompleted.Inc();

    /// <summary>A run's scientific failure (divergence) was journaled as its ticket's fate.</summary>
    public static void RunFailed() => RunsFailed.Inc();

    public static void Trained(string trainer, int examples, TimeSpan elapsed) =>
        ExamplesPerSecond.WithLabels(trainer).Set(elapsed > TimeSpan.Zero ? examples / elapsed.TotalSeconds : 0);

    public static void TrainerIdle(string trainer) => ExamplesPerSecond.WithLabels(trainer).Set(0);

    /// <summary>A stopped trainer's series goes away rather than stay at its last value.</summary>
    public static void TrainerStopped(string trainer) => ExamplesPerSecond.RemoveLabelled(trainer);

    public static void Slots(int inUse, int capacity)
    {
        SlotsInUse.Set(inUse);
        SlotsTotal.Set(capacity);
        SlotUtilisation.Set(capacity > 0 ? (double)inUse / capacity : 0);
    }

    public static void TrainerRestarted() => TrainerRestarts.Inc();

    /// <summary>A cluster trainer node handed a leased unit back for another try (its worker is restarted too).
    /// </summary>
    public static void UnitGivenBack() => UnitsGivenBack.Inc();
}
