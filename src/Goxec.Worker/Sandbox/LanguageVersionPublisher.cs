using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Languages;
using Goxec.Redis;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Publishes each language's version as its built image states it (the <c>goxec.version</c> label
/// the image builder bakes in), so <c>GET /api/v1/languages</c> shows what really runs, not a typed string.
/// </summary>
public sealed class LanguageVersionPublisher(IDockerClient docker, IRedisClient redis, LanguageCatalog languages, TimeProvider clock,
    ILogger<LanguageVersionPublisher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var fields = new List<RedisArg> { JobKeys.LanguageVersions };
                foreach (var language in languages.All)
                {
                    if (await docker.GetImageLabelsAsync(language.Image, stoppingToken) is { } labels
                        && labels.TryGetValue("goxec.version", out var version) && version.Length > 0)
                        fields.AddRange([language.Id, version]);
                }
                if (fields.Count > 1) await redis.ExecuteAsync(new RedisCommand("HSET", [.. fields]), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not publish language versions; trying again in {Interval}", Interval);
            }
            await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
