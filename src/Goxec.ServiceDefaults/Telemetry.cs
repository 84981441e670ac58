using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Goxec.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// OpenTelemetry wired by hand (the hosting package is not reachable here): traces, metrics and
/// logs from every "Goxec.*" source, exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// Metrics are also scraped at <c>/metrics</c>; with <c>Telemetry:SpanDirectory</c> set, finished spans
/// are written there as JSON lines too (for tests).
/// </summary>
public static class TelemetryExtensions
{
    public const string SourcePrefix = "Goxec.";

    public static IHostApplicationBuilder AddGoxecTelemetry(this IHostApplicationBuilder builder)
    {
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.SetResourceBuilder(resource);
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            if (otlp) logging.AddOtlpExporter();
        });
        // Every log line carries the trace it belongs to. The trace id travels as a scope, so the JSON
        // console format (Logging__Console__FormatterName=json) always writes scopes: one object per
        // line with TraceId, SpanId and, for a worker's job, JobId.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);

        var spanDirectory = builder.Configuration["Telemetry:SpanDirectory"];
        builder.Services.AddSingleton(_ =>
        {
            // "Microsoft.AspNetCore" is the request span ASP.NET Core starts itself, parented from the
            // incoming traceparent header; RequestSpans names and tags it.
            // Redis commands are client spans from the StackExchange.Redis instrumentation Aspire's AddRedisClient
            // attaches to the multiplexer, kept only inside a trace: the readers' polls would otherwise each be a trace.
            var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource)
                .AddSource(SourcePrefix + "*", "Microsoft.AspNetCore", RedisSource)
                .AddProcessor(new RedisOutsideTracesFilter());
            if (otlp) tracing.AddOtlpExporter();
            if (!string.IsNullOrWhiteSpace(spanDirectory))
                tracing.AddProcessor(new SimpleActivityExportProcessor(new JsonLinesSpanExporter(
                    Path.Combine(spanDirectory, $"{serviceName}-{Environment.ProcessId}.jsonl"), serviceName)));
            return tracing.Build();
        });
        builder.Services.AddSingleton<PrometheusScrapeReader>();
        builder.Services.AddSingleton(services =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(SourcePrefix + "*")
                .AddReader(services.GetRequiredService<PrometheusScrapeReader>());
            if (otlp) metrics.AddOtlpExporter();
            return metrics.Build();
        });
        // Providers are created with the host so sources are listened to from the first request.
        builder.Services.AddHostedService<TelemetryActivator>();
        return builder;
    }

    private const string RedisSource = "OpenTelemetry.Instrumentation.StackExchangeRedis";

    /// <summary>Unmarks a Redis span that has no parent, so no exporter (they run after it) writes it.</summary>
    private sealed class RedisOutsideTracesFilter : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity activity)
        {
            if (activity.Source.Name == RedisSource && activity.ParentSpanId == default) activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    private sealed class TelemetryActivator(TracerProvider tracer, MeterProvider meter) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracer.ForceFlush(2000);
            meter.ForceFlush(2000);
            return Task.CompletedTask;
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
