using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Dashboard;

/// <summary>The metrics tests lean on this parser, so it must refuse what Prometheus would refuse.</summary>
public sealed class PrometheusTextTests
{
    private const string Good = """
        # HELP runs_total Runs done.
        # TYPE runs_total counter
        runs_total 3
        # TYPE speed gauge
        speed{trainer="w0-t0",note="a \"quoted\" \\ value"} 1.5e3
        speed{trainer="w0-t1"} NaN
        # TYPE latency histogram
        latency_sum 0.5
        latency_count 2
        latency_bucket{le="0.1"} 1
        latency_bucket{le="+Inf"} 2

        """;

    [Fact]
    public void Reads_families_types_labels_and_values()
    {
        var families = PrometheusText.Parse(Good);

        Assert.Equal(["latency", "runs_total", "speed"], families.Keys.Order());
        Assert.Equal("counter", families["runs_total"].Type);
        Assert.Equal("Runs done.", families["runs_total"].Help);
        Assert.Equal(1500, families["speed"].Value(null, ("trainer", "w0-t0")));
        Assert.Equal("a \"quoted\" \\ value", families["speed"].Samples[0].Labels["note"]);
        Assert.Equal(2, families["latency"].Value("latency_count"));
    }

    [Fact]
    public void Takes_an_inf_bucket_ahead_of_count_as_a_scrape_that_raced_an_observation()
    {
        // prometheus-net writes _count before it reads the buckets; one observation fell in between.
        var families = PrometheusText.Parse("# TYPE h histogram\nh_sum 1\nh_count 2\nh_bucket{le=\"1\"} 2\n" +
                                            "h_bucket{le=\"+Inf\"} 3\n");

        Assert.Equal(3, families["h"].Value("h_bucket", ("le", "+Inf")));
    }

    [Theory]
    [InlineData("runs 1\nruns 2\n", "the same series twice")]
    [InlineData("a 1\nb 1\na{x=\"1\"} 1\n", "split")]
    [InlineData("a 1\n# TYPE a counter\n", "TYPE after")]
    [InlineData("# TYPE a counter\n# TYPE a gauge\na 1\n", "second TYPE")]
    [InlineData("# TYPE a meter\na 1\n", "TYPE must name")]
    [InlineData("a{x=1} 1\n", "quoted")]
    [InlineData("a{x=\"1} 1\n", "unterminated")]
    [InlineData("a{1x=\"1\"} 1\n", "bad label name")]
    [InlineData("a one\n", "not a sample value")]
    [InlineData("2a 1\n", "bad metric name")]
    [InlineData("# TYPE h histogram\nh_sum 1\nh_count 2\nh_bucket{le=\"1\"} 2\n", "+Inf")]
    [InlineData("# TYPE h histogram\nh_sum 1\nh_count 2\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\n",
        "cumulative")]
    [InlineData("# TYPE h histogram\nh_sum 1\nh_count 3\nh_bucket{le=\"+Inf\"} 2\n", "_count")]
    public void Refuses_what_prometheus_would_refuse(string text, string problem) =>
        Assert.Contains(problem, Assert.Throws<FormatException>(() => PrometheusText.Parse(text)).Message);
}
