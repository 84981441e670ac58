using System.Diagnostics.Metrics;
using Goxec.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Goxec.Tests.Observability;

public class PrometheusTextTests
{
    [Fact]
    public void Renders_counters_histograms_and_gauges_in_the_exposition_format()
    {
        var name = "Test.Prometheus." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(name);
        var reader = new PrometheusScrapeReader();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(name).AddReader(reader).Build();

        var submitted = meter.CreateCounter<long>("test.jobs.submitted", "{job}", "Jobs queued.\nBy the Api.");
        var wait = meter.CreateHistogram("test.queue.wait", "s", "Waits.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5] });
        var running = meter.CreateUpDownCounter<long>("test.containers.running", "{container}");
        submitted.Add(2, new KeyValuePair<string, object?>("language", "py\"th\\on\n"));
        submitted.Add(1, new KeyValuePair<string, object?>("language", "c"));
        foreach (var seconds in new[] { 0.5, 2, 7 }) wait.Record(seconds);
        running.Add(3);
        running.Add(-1);

        Assert.Equal("""
            # HELP test_jobs_submitted_total Jobs queued.\nBy the Api.
            # TYPE test_jobs_submitted_total counter
            test_jobs_submitted_total{language="py\"th\\on\n"} 2
            test_jobs_submitted_total{language="c"} 1
            # HELP test_queue_wait_seconds Waits.
            # TYPE test_queue_wait_seconds histogram
            test_queue_wait_seconds_bucket{le="1"} 1
            test_queue_wait_seconds_bucket{le="5"} 2
            test_queue_wait_seconds_bucket{le="+Inf"} 3
            test_queue_wait_seconds_sum 9.5
            test_queue_wait_seconds_count 3
            # TYPE test_containers_running gauge
            test_containers_running 2

            """.ReplaceLineEndings("\n"), reader.Scrape());
        Assert.Empty(PrometheusParser.Parse(reader.Scrape()).Errors);
    }

    [Theory]
    [InlineData("goxec.job.queue_wait", "s", "goxec_job_queue_wait_seconds")]
    [InlineData("goxec.jobs.submitted", "{job}", "goxec_jobs_submitted")]
    [InlineData("goxec.stage.duration_seconds", "s", "goxec_stage_duration_seconds")]
    [InlineData("http.server-size", "By", "http_server_size_bytes")]
    [InlineData("2xx.count", "", "_2xx_count")]
    public void Names_use_underscores_and_unit_suffixes(string name, string unit, string expected) =>
        Assert.Equal(expected, PrometheusText.Name(name, unit));
}
