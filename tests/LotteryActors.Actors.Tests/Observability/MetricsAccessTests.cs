using System.Net;
using System.Net.Http.Headers;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Observability;
using LotteryActors.Benchmarks.Harness;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Tests.Observability;

/// <summary>
/// A node's <c>/metrics</c> beyond loopback only with a token, which every scrape must then carry: the settings
/// refuse an exposed address without one, and the endpoint answers 401 to a scrape without it.
/// </summary>
public sealed class MetricsAccessTests
{
    [Theory]
    [InlineData("*")]
    [InlineData("0.0.0.0")]
    [InlineData("lab-node-3")]
    public void An_exposed_metrics_address_without_a_token_names_the_host_key_and_the_variable(string host)
    {
        var config = LotteryConfig.FromText($"lottery.runtime.metrics {{ port = 9400, host = \"{host}\" }}");
        var error = Assert.Throws<SpecException>(() => MetricsSettings.Read(config, environmentToken: null));
        Assert.Equal("lottery.runtime.metrics.host", error.Key);
        Assert.Contains(MetricsSettings.TokenVariable, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("127.0.0.1", 9400, null)]
    [InlineData("::1", 9400, null)]
    [InlineData("localhost", 9400, "")]
    [InlineData("*", 0, null)]
    [InlineData("*", 9400, "s3cret")]
    public void Loopback_metrics_need_no_token_and_an_exposed_address_is_accepted_with_one(
        string host, int port, string? token)
    {
        var config = LotteryConfig.FromText($"lottery.runtime.metrics {{ port = {port}, host = \"{host}\" }}");
        var settings = MetricsSettings.Read(config, token);
        Assert.Equal(string.IsNullOrEmpty(token) ? null : token, settings.Token);
    }

    [Fact]
    public async Task With_a_token_a_scrape_without_it_or_with_another_gets_401_and_one_with_it_gets_the_metrics()
    {
        var port = FreePort.Next();
        using var endpoint = NodeMetrics.Serve(new MetricsSettings(port, "127.0.0.1", "s3cret"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = $"http://127.0.0.1:{port}/metrics";

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Scrape(http, url, "wrong")).StatusCode);
        var allowed = await Scrape(http, url, "s3cret");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("lottery_runs_completed_total", await allowed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_a_token_loopback_metrics_are_served_to_any_scrape_and_the_port_is_freed_on_dispose()
    {
        var port = FreePort.Next();
        using (var endpoint = NodeMetrics.Serve(new MetricsSettings(port, "127.0.0.1")))
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            Assert.Contains("lottery_slots_in_use", body);
        }
        // A second search on the same port after the first stopped must be able to bind it.
        using var again = NodeMetrics.Serve(new MetricsSettings(port, "127.0.0.1"));
        Assert.NotNull(again);
    }

    private static Task<HttpResponseMessage> Scrape(HttpClient http, string url, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }
}
