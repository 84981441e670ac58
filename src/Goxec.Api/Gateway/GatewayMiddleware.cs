using Microsoft.Extensions.Options;

namespace Goxec.Api.Gateway;

/// <summary>Marks an endpoint as drawing from the caller's token bucket (see <c>RequireCaller</c>).</summary>
public sealed class RateLimitedMetadata;

/// <summary>Marks an endpoint that queues jobs: refused with 503 while the backlog is over its cap.</summary>
public sealed class SubmitsJobsMetadata;

/// <summary>Marks an endpoint that takes its token itself, in the same round trip as the submission (see <c>TakesTokenInSubmission</c>).</summary>
public sealed class TokenInSubmissionMetadata;

/// <summary>
/// Rate limiting and backpressure as middleware rather than endpoint filters, so they apply to any
/// endpoint — minimal API handlers and raw WebSocket <c>RequestDelegate</c>s alike — that carries the
/// metadata. Every WebSocket connect counts against the bucket even without it.
/// </summary>
internal sealed class GatewayMiddleware(RequestDelegate next, TokenBucket bucket, QueueBacklog backlog, IOptions<GatewayOptions> options)
{
    /// <summary>A backlog drains at the workers' pace: seconds, not milliseconds.</summary>
    public static readonly TimeSpan BacklogRetry = TimeSpan.FromSeconds(5);

    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        var limited = (metadata?.GetMetadata<RateLimitedMetadata>() is not null || OriginPolicy.IsWebSocketConnect(context.Request))
            && metadata?.GetMetadata<TokenInSubmissionMetadata>() is null;
        if (limited && context.Features.Get<Caller>() is { Limits: { } limits } caller)
        {
            var decision = await bucket.TakeAsync(caller.Bucket, limits, cost: 1, context.RequestAborted);
            decision.WriteHeaders(context.Response);
            if (!decision.Allowed)
            {
                GoxecMetrics.RateLimitRejections.Add(1);
                await decision.Refuse(caller.Name).ExecuteAsync(context);
                return;
            }
        }
        if (metadata?.GetMetadata<SubmitsJobsMetadata>() is not null)
        {
            var (full, length) = await backlog.CheckAsync(context.RequestAborted);
            if (full)
            {
                await new Refusal(StatusCodes.Status503ServiceUnavailable, "Goxec is busy",
                    $"{length} jobs are waiting, more than the {options.Value.MaxQueueBacklog} Goxec queues at once. Retry later.",
                    BacklogRetry).ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    }
}
