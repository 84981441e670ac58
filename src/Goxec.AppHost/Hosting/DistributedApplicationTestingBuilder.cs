namespace Goxec.Hosting;

/// <summary>
/// Builders for integration tests: quiet by default (instances keep their recent logs, and startup
/// failures quote them) and with a shorter grace period so failing tests stop quickly.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    public static IDistributedApplicationBuilder Create(TextWriter? output = null) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Output = output ?? TextWriter.Null,
            UseColors = false,
            StopGracePeriod = TimeSpan.FromSeconds(5),
        });

    /// <summary>Builds and starts the graph; when the start fails, stops what did start before rethrowing.</summary>
    public static async Task<DistributedApplication> StartAsync(this IDistributedApplicationBuilder builder, CancellationToken ct)
    {
        var app = builder.Build();
        try
        {
            await app.StartAsync(ct);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
