using Goxec.AppHost;
using Goxec.Hosting;

namespace Goxec.Tests.Hosting;

/// <summary>Starts the very graph the AppHost runs, for end-to-end tests.</summary>
public static class GoxecTestGraph
{
    public static async Task<DistributedApplication> StartAsync(GoxecGraphOptions options, CancellationToken ct, TextWriter? output = null)
    {
        var builder = DistributedApplicationTestingBuilder.Create(output);
        GoxecGraph.Build(builder, options);
        return await builder.StartAsync(ct);
    }
}
