using System.Diagnostics;
using System.Diagnostics.Metrics;
using Goxec.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// OpenTelemetry as the Aspire template wires it (ASP.NET Core, HttpClient and runtime instrumentation,
/// OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set — the AppHost sets it for its dashboard), plus every
/// "Goxec.*" source and meter, the Prometheus scrape endpoint, and, with <c>Telemetry:SpanDirectory</c>
/// set, every finished span as JSON lines in that directory (tests and local debugging).
/// </summary>
public static class TelemetryExtensions
{
    public const string SourcePrefix = "Goxec.";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        // Every log line carries the trace it belongs to. The trace id travels as a scope, so the JSON
        // console format (Logging__Console__FormatterName=json) always writes scopes: one object per
        // line with TraceId, SpanId and, for a worker's job, JobId.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var spanDirectory = builder.Configuration["Telemetry:SpanDirectory"];
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(SourcePrefix + "*")
                // Each scrape reads the current values: a test (or a person) that just ran a job sees it.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithTracing(tracing =>
            {
                // Redis commands are client spans from the StackExchange.Redis instrumentation Aspire's AddRedisClient adds
                // to this provider, kept only inside a trace: the readers' polls would otherwise each be a trace.
                tracing
                    .AddSource(SourcePrefix + "*")
                    .AddProcessor(new RedisOutsideTracesFilter())
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !ServiceDefaultsExtensions.IsQuietPath(context.Request.Path))
                    // Outgoing HTTP only inside a trace (the filter sees the request's own span): the Docker
                    // engine's polling would otherwise start traces of its own.
                    .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = _ => Activity.Current is { ParentSpanId: var parent } && parent != default);
                if (!string.IsNullOrWhiteSpace(spanDirectory))
                    tracing.AddProcessor(new SimpleActivityExportProcessor(new JsonLinesSpanExporter(
                        Path.Combine(spanDirectory, $"{serviceName}-{Environment.ProcessId}.jsonl"), serviceName)));
            });
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        return builder;
    }

    /// <summary>Unmarks a Redis span that has no parent, so no exporter (they run after it) writes it.</summary>
    private sealed class RedisOutsideTracesFilter : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity activity)
        {
            if (activity.Source.Name == "OpenTelemetry.Instrumentation.StackExchangeRedis" && activity.ParentSpanId == default)
                activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}

/// <summary>The sources Goxec's own code writes spans and measurements to.</summary>
public static class GoxecDiagnostics
{
    public static readonly ActivitySource Api = new(TelemetryExtensions.SourcePrefix + "Api");
    public static readonly ActivitySource Worker = new(TelemetryExtensions.SourcePrefix + "Worker");
    public static readonly Meter Meter = new(TelemetryExtensions.SourcePrefix + "Jobs");
}
