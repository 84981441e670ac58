using System.Globalization;

namespace Goxec.Api.Gateway;

/// <summary>
/// A <c>429</c> or <c>503</c>: the request was fine, but not now. Written as an RFC 9457 problem with
/// <c>Retry-After</c>, so a well-behaved client knows when to come back instead of guessing.
/// </summary>
public sealed class Refusal(int status, string title, string detail, TimeSpan retryAfter) : IResult, IStatusCodeHttpResult
{
    /// <summary>A job may finish any moment and free a slot at once: ask again soon.</summary>
    public static readonly TimeSpan UnfinishedJobsRetry = TimeSpan.FromSeconds(1);

    public int StatusCode => status;
    int? IStatusCodeHttpResult.StatusCode => status;
    public string Title => title;
    public string Detail => detail;
    public TimeSpan RetryAfter => retryAfter;

    public static Refusal TooManyUnfinishedJobs(Caller caller, long unfinished) =>
        new(StatusCodes.Status429TooManyRequests, "Too many unfinished jobs",
            $"{caller.Name} has {unfinished} unfinished jobs, the most allowed at once ({caller.Limits!.MaxConcurrentJobs}). Submit again when one finishes.",
            UnfinishedJobsRetry);

    public Task ExecuteAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = Seconds(retryAfter);
        return GatewayProblems.WriteAsync(context, status, title, detail);
    }

    /// <summary>The same refusal in another API's error format (Piston's <c>{"message"}</c>), Retry-After kept.</summary>
    public IResult InFormat(System.Text.Json.Nodes.JsonObject body) => new Formatted(this, body);

    private sealed class Formatted(Refusal refusal, System.Text.Json.Nodes.JsonObject body) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.RetryAfter = Seconds(refusal.RetryAfter);
            return Results.Json(body, statusCode: refusal.StatusCode).ExecuteAsync(context);
        }
    }

    /// <summary>Whole seconds, at least 1: <c>Retry-After: 0</c> would invite a client to hammer.</summary>
    public static string Seconds(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The rule behind every refusal: a <c>429</c> or <c>503</c> leaves with <c>Retry-After</c>. The places that know
/// better (the token bucket, the backlog, Redis away) set their own; this fills in for any other — a health
/// endpoint, a framework component — so no client is left to guess.
/// </summary>
internal sealed class RetryAfterPolicy(RequestDelegate next)
{
    public static readonly TimeSpan Default429 = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Default503 = TimeSpan.FromSeconds(5);

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var response = (HttpResponse)state;
            if (response.StatusCode is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable
                && !response.Headers.ContainsKey("Retry-After"))
                response.Headers.RetryAfter = Refusal.Seconds(response.StatusCode == StatusCodes.Status429TooManyRequests ? Default429 : Default503);
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
