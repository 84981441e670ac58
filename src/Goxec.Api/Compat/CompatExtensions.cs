using Goxec.Api.Compat;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Drop-in Judge0 CE (<c>/judge0</c>) and Piston v2 (<c>/api/v2</c>) endpoints over Goxec's pipeline.</summary>
internal static class CompatExtensions
{
    public static IServiceCollection AddCompatApis(this IServiceCollection services) => services
        .AddSingleton<CompatRunner>()
        .AddSingleton<Goxec.Api.Compat.Piston.PistonRuntimes>()
        .AddSingleton<Goxec.Api.Compat.Judge0.Judge0Languages>()
        .AddSingleton<Goxec.Api.Webhooks.ICallbackFormat>(sp => new Goxec.Api.Compat.Judge0.Judge0CallbackFormat(base64: false, sp.GetRequiredService<Goxec.Api.Compat.Judge0.Judge0Languages>()))
        .AddSingleton<Goxec.Api.Webhooks.ICallbackFormat>(sp => new Goxec.Api.Compat.Judge0.Judge0CallbackFormat(base64: true, sp.GetRequiredService<Goxec.Api.Compat.Judge0.Judge0Languages>()));

    public static IEndpointRouteBuilder MapCompatApis(this IEndpointRouteBuilder app)
    {
        app.MapJudge0Api();
        app.MapPistonApi();
        return app;
    }
}
