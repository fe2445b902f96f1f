using System.Net;
using System.Text.Json;

namespace LotteryActors.Cli.Tests.Support;

/// <summary>
/// A local HTTP server that speaks the part of Seq's ingestion API the Serilog sink uses: CLEF batches (one JSON
/// event per line) posted to <c>/api/events/raw</c>, answered with 201. It keeps every event and every API key
/// header it was sent, so a test can check what a real search logs, property by property.
/// </summary>
public sealed class SeqListener : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly List<JsonElement> events = [];
    private readonly List<string?> apiKeys = [];
    private readonly object gate = new();
    private readonly Task serving;

    public SeqListener()
    {
        Url = $"http://127.0.0.1:{FreePort.Next()}/";
        listener.Prefixes.Add(Url);
        listener.Start();
        serving = Task.Run(Serve);
    }

    public string Url { get; }

    public IReadOnlyList<JsonElement> Events { get { lock (gate) return events.ToList(); } }

    /// <summary>The <c>X-Seq-ApiKey</c> header of each batch (null where a batch had none).</summary>
    public IReadOnlyList<string?> ApiKeys { get { lock (gate) return apiKeys.ToList(); } }

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            await Answer(context);
        }
    }

    private async Task Answer(HttpListenerContext context)
    {
        var request = context.Request;
        if (request.HttpMethod == "POST" && request.Url!.AbsolutePath == "/api/events/raw")
        {
            using var reader = new StreamReader(request.InputStream);
            var body = await reader.ReadToEndAsync();
            var batch = body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
            lock (gate)
            {
                events.AddRange(batch);
                apiKeys.Add(request.Headers["X-Seq-ApiKey"]);
            }
            context.Response.StatusCode = 201;
        }
        else
        {
            context.Response.StatusCode = 404;
        }
        context.Response.Close();
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        serving.Wait(TimeSpan.FromSeconds(10));
    }
}
