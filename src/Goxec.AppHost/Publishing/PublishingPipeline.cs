using Aspire.Hosting;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;

namespace Goxec.AppHost.Publishing;

/// <summary>
/// The compose and Kubernetes publishers as steps of Aspire's publishing pipeline:
/// <c>--operation publish --step publish-compose --output-path DIR</c> (./goxec publish compose wraps it),
/// beside Aspire's own <c>--publisher manifest</c>. <c>Goxec:ImageTags</c> names the tags file of
/// <c>./goxec images --apps</c>; without it images are referenced as <c>:latest</c>.
/// </summary>
public static class PublishingPipeline
{
    public static IDistributedApplicationBuilder AddGoxecPublishers(this IDistributedApplicationBuilder builder)
    {
        foreach (var target in Publisher.Targets)
        {
            builder.Pipeline.AddStep($"publish-{target}", context =>
            {
                var configuration = builder.Configuration;
                var output = configuration["Pipeline:OutputPath"] is { Length: > 0 } path
                    ? Path.GetFullPath(path)
                    : throw new ArgumentException("--output-path DIR is required.");
                foreach (var file in Publisher.Publish(context.Model.Resources, target, output, configuration["Goxec:ImageTags"]))
                    Console.WriteLine(file);
                return Task.CompletedTask;
            });
        }
        return builder;
    }
}
