using Microsoft.AspNetCore.Diagnostics;
using StackExchange.Redis;

namespace Goxec.Api.Extensions;

/// <summary>
/// Redis being away is not the client's fault and not a mystery: answer 503 with Retry-After, so
/// clients (and their retries with an Idempotency-Key) know to come back, instead of a bare 500.
/// </summary>
internal sealed class InfrastructureExceptionHandler(IProblemDetailsService problems, ILogger<InfrastructureExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisConnectionException or TimeoutException)) return false;
        logger.LogWarning("Answering 503: {Error}", exception.Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Goxec's queue is unavailable for a moment.",
                Detail = "The job may or may not have been queued. Retry with the same Idempotency-Key: it returns the job if it exists, and creates it once if not.",
            },
        });
    }
}
