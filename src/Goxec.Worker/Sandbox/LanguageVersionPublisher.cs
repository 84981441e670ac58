using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Languages;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Publishes each language's version as its built image states it (the <c>goxec.version</c> label
/// the image builder bakes in), so <c>GET /api/v1/languages</c> shows what really runs, not a typed string.
/// </summary>
public sealed class LanguageVersionPublisher(IDockerClient docker, ClusterStore cluster, LanguageCatalog languages, TimeProvider clock,
    ILogger<LanguageVersionPublisher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var versions = new Dictionary<string, string>();
                foreach (var language in languages.All)
                {
                    if (await docker.GetImageLabelsAsync(language.Image, stoppingToken) is { } labels
                        && labels.TryGetValue("goxec.version", out var version) && version.Length > 0)
                        versions[language.Id] = version;
                }
                await cluster.PublishVersionsAsync(versions, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not publish language versions; trying again in {Interval}", Interval);
            }
            await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
