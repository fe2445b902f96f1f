using System.Net.ServerSentEvents;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Serilog;

namespace LotteryActors.Dashboard;

/// <summary>
/// <c>lottery serve</c>: the page, its assets, the JSON API, the pushed updates and <c>/metrics</c>, all from this
/// process, over the searches that <see cref="JournalFeed"/> reads from the journal.
/// </summary>
public static class DashboardServer
{
    /// <summary>Server-sent events carry one line of data each, so pushed documents are written unindented.</summary>
    private static readonly JsonSerializerOptions PushedJson = new(DocumentJson.Options) { WriteIndented = false };

    /// <summary>Serves until <paramref name="stopping"/> fires (Ctrl+C in the CLI).</summary>
    /// <exception cref="Training.Spec.SpecException">A bad address, or one off loopback without a token.</exception>
    public static async Task RunAsync(RuntimeSettings runtime, Config? akkaOverrides, IReadOnlyList<string> urls,
        string? environmentToken, CancellationToken stopping)
    {
        var app = Build(runtime, akkaOverrides, urls, DashboardAccess.RequiredToken(urls, environmentToken));
        await app.StartAsync(stopping);
        app.Logger.LogInformation("dashboard of {Home} on {Urls}", runtime.Home, string.Join(", ", app.Urls));
        await app.WaitForShutdownAsync(stopping);
    }

    public static WebApplication Build(RuntimeSettings runtime, Config? akkaOverrides, IReadOnlyList<string> urls,
        string? token)
    {
        JournalFile.EnsureReadable(runtime);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. urls]);
        // Kestrel and routing log every request at information: the journal feed and the address are what matter.
        builder.Logging.ClearProviders().AddSerilog().AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var board = new SearchBoard();
        builder.Services.AddSingleton(board);
        builder.Services.AddSingleton(_ => UnitProgressTable.For(runtime));
        builder.Services.AddSingleton<RunningUnits>();
        builder.Services.AddHostedService(services => new JournalFeed(runtime, akkaOverrides, board,
            services.GetRequiredService<ILogger<JournalFeed>>()));
        var app = builder.Build();
        if (token is not null)
            app.Use(next => DashboardAccess.Require(token, next));
        bool Running(SearchState s) => SearchLock.IsHeld(runtime.Home, s.SearchId!) || board.RunsInCluster(s);
        DashboardMetrics.Register(board);

        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Asset("dashboard.js", "text/javascript; charset=utf-8"));
        app.MapGet("/dashboard.css", () => Asset("dashboard.css", "text/css; charset=utf-8"));
        app.MapGet("/api/searches", () => Json(StatusDocument.From(board.Searches, Running)));
        // One search as /api/searches has it, with its running units now (neither journaled nor pushed: the page
        // asks again while the search runs).
        app.MapGet("/api/searches/{id}", async (string id, RunningUnits units, CancellationToken aborted) =>
            board.Find(id) is { } state
                ? Json(new StatusDocument([SearchDocument.From(state, Running(state))
                    with { Units = await units.OfAsync(state, aborted) }]))
                : NotFound(id));
        app.MapGet("/api/searches/{id}/comparison", (string id) => board.Find(id) is { Ensemble: { } ensemble } state
            ? Json(new { searchId = state.SearchId, name = state.Spec!.Name, ensemble })
            : NotFound(id));
        app.MapGet("/api/cluster", () => Json(ClusterView.From(board.Cluster.State)));
        app.MapGet("/api/events", (CancellationToken aborted) =>
            TypedResults.ServerSentEvents(Changes(board, Running, aborted)));
        app.MapMetrics();
        return app;
    }

    /// <summary>
    /// Every search once, then each search again whenever it changed, until the browser goes away; the cluster
    /// likewise, once its coordinator has journaled anything.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<string>> Changes(SearchBoard board, Func<SearchState, bool> running,
        [EnumeratorCancellation] CancellationToken aborted)
    {
        using var watch = board.StartWatching();
        var sent = new Dictionary<string, long>();
        var clusterSent = 0L;
        // The response starts with its first event: sent at once, the browser knows it is connected even while
        // the journal holds no search yet.
        yield return new SseItem<string>("connected", "hello");
        while (!aborted.IsCancellationRequested)
        {
            foreach (var entry in board.Entries)
            {
                var id = entry.State.SearchId!;
                if (sent.GetValueOrDefault(id) == entry.Version)
                    continue;
                sent[id] = entry.Version;
                var view = SearchView.From(entry.State, running(entry.State));
                yield return new SseItem<string>(JsonSerializer.Serialize(view, PushedJson), "search");
            }
            var cluster = board.Cluster;
            if (cluster.Version != clusterSent)
            {
                clusterSent = cluster.Version;
                yield return new SseItem<string>(
                    JsonSerializer.Serialize(ClusterView.From(cluster.State), PushedJson), "cluster");
            }
            await watch.ChangedAsync(aborted);
        }
    }

    private static IResult Json<T>(T document) =>
        Results.Text(DocumentJson.Serialize(document), "application/json; charset=utf-8");

    private static IResult NotFound(string id) =>
        Results.Json(new { error = $"no search '{id}' in this journal; /api/searches lists them" },
            statusCode: StatusCodes.Status404NotFound);

    private static IResult Asset(string name, string contentType)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"LotteryActors.Dashboard.{name}")
            ?? throw new InvalidOperationException($"the dashboard's {name} is not embedded in its assembly");
        return Results.Stream(stream, contentType);
    }
}
