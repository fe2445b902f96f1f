using System.Net;
using System.Net.Http.Headers;
using LotteryActors.Cli.Tests.Support;
using LotteryActors.Dashboard;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Tests.Dashboard;

[Trait("Tier", "EndToEnd")]
public sealed class ServeCommandTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://127.3.4.5:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("https://lab-dashboard.example:443", false)]
    public void Only_loopback_addresses_count_as_loopback(string url, bool loopback) =>
        Assert.Equal(loopback, DashboardAccess.IsLoopback(url));

    [Fact]
    public void An_address_that_is_not_http_is_bad_input() =>
        Assert.Throws<SpecException>(() => DashboardAccess.IsLoopback("ftp://127.0.0.1:21"));

    [Fact]
    public void Serving_off_loopback_without_a_token_exits_2_with_one_line_and_writes_nothing()
    {
        using var workspace = new SearchWorkspace();
        using var serve = CliProcess.Start(new Dictionary<string, string?> { [DashboardAccess.TokenVariable] = null },
            "serve", "--config", workspace.ConfigPath, "--urls", $"http://0.0.0.0:{FreePort.Next()}");
        var result = serve.WaitForExit(Limit);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains("0.0.0.0", line);
        Assert.Contains(DashboardAccess.TokenVariable, line);
        Assert.Equal(["search.conf"], Directory.EnumerateFileSystemEntries(workspace.Home).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Off_loopback_every_request_needs_the_token_by_header_query_or_cookie()
    {
        using var workspace = new SearchWorkspace();
        const string token = "a-test-secret-7f3a";
        var port = FreePort.Next();
        using var serve = CliProcess.Start(new Dictionary<string, string?> { [DashboardAccess.TokenVariable] = token },
            "serve", "--config", workspace.ConfigPath, "--urls", $"http://0.0.0.0:{port}");
        serve.WaitForLog("dashboard of", Limit);
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/searches")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/?token=not-it")).StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/searches"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-it");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        }
        using (var right = new HttpRequestMessage(HttpMethod.Get, "/api/searches"))
        {
            right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await http.SendAsync(right);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"searches\": []", await response.Content.ReadAsStringAsync());
        }
        // A browser opens the page once with ?token=; the cookie it gets then carries the page's own requests.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/?token={token}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/searches")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
    }
}
