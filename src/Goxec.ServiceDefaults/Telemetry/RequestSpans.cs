using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Goxec.Telemetry;

/// <summary>
/// Names and tags the request span ASP.NET Core starts (no instrumentation package is reachable here),
/// and drops the spans of probes and scrapes, which would bury the traces that matter.
/// </summary>
internal static class RequestSpans
{
    private static readonly HashSet<string> Quiet = ["/health", "/alive", "/metrics"];

    public static IApplicationBuilder UseRequestSpans(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var span = Activity.Current;
        if (span is null || span.Source.Name != "Microsoft.AspNetCore")
        {
            await next(context);
            return;
        }
        if (Quiet.Contains(context.Request.Path.Value ?? ""))
        {
            span.IsAllDataRequested = false;
            span.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            await next(context);
            return;
        }
        span.SetTag("http.request.method", context.Request.Method);
        span.SetTag("url.path", context.Request.Path.Value);
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            span.DisplayName = route is null ? context.Request.Method : $"{context.Request.Method} {route}";
            if (route is not null) span.SetTag("http.route", route);
            span.SetTag("http.response.status_code", context.Response.StatusCode);
            if (context.Response.StatusCode >= 500) span.SetStatus(ActivityStatusCode.Error);
        }
    });
}
