using Goxec.Api.Jobs;
using Goxec.Jobs;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary><c>GET /api/v1/limits</c>: what a job gets by default and the most it may ask for (the IDE's limits editor reads it).</summary>
internal static class LimitsApi
{
    public static IEndpointRouteBuilder MapLimitsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/limits", (IOptions<SubmissionOptions> options) =>
        {
            var o = options.Value;
            return TypedResults.Ok(new LimitsInfo(o.RunDefaults, o.RunMaxima, o.CompileDefaults, o.CompileMaxima));
        });
        return app;
    }

    internal sealed record LimitsInfo(StageLimits Defaults, StageLimits Maxima, StageLimits CompileDefaults, StageLimits CompileMaxima);
}
