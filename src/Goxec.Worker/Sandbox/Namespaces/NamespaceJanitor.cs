using Goxec.Languages;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// Keeps the host clean of what a worker that died could not: stage cgroups (a live stage's group is never
/// empty, so an empty one older than a minute is garbage; one that outlived any possible stage is killed),
/// stage files, and root filesystems whose image has gone. At start it exports the prewarmed languages' root
/// filesystems, so their jobs find them ready (the driver's warm start).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class NamespaceJanitor(NamespaceHost host, LanguageCatalog languages, ILogger<NamespaceJanitor> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (host.Problem is { } problem)
        {
            logger.LogError("The namespace sandbox cannot run on this host: {Problem}", problem);
            return;
        }
        await PrepareRootfsAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Cleaning up after the namespace sandbox failed; trying again in {Interval}", Interval);
            }
            await Task.Delay(Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Exports the prewarmed languages' root filesystems (all built ones for "*"), one at a time, saying how far
    /// it is on /health. A language whose image is not built is skipped; one whose export fails is left to its first job.
    /// </summary>
    private async Task PrepareRootfsAsync(CancellationToken ct)
    {
        var wanted = host.Tools.PrewarmLanguages;
        var list = wanted.Contains("*") ? languages.All : [.. languages.All.Where(l => wanted.Contains(l.Id))];
        for (var i = 0; i < list.Count; i++)
        {
            host.Prewarming = $"exporting root filesystems: {i} of {list.Count} ready, now {list[i].Id}";
            try
            {
                await host.Rootfs.GetAsync(list[i].Image, ct);
            }
            catch (SandboxException e)
            {
                logger.LogInformation("No root filesystem prepared for {Language}: {Reason}", list[i].Id, e.Message);
            }
        }
        host.Prewarming = null;
        logger.LogInformation("Root filesystems of {Count} prewarmed language(s) ready", list.Count);
    }

    public async Task SweepAsync(CancellationToken ct)
    {
        var lifetime = host.Options.MaxContainerLifetime;
        foreach (var (name, created) in host.Cgroups.Groups())
        {
            var age = DateTime.UtcNow - created;
            var group = host.Cgroups.Group(name);
            if (age > lifetime)
            {
                logger.LogWarning("Stage cgroup {Name} outlived any stage ({Age}); killing what is left in it", name, age);
                await group.RemoveAsync(TimeSpan.FromSeconds(5));
            }
            else if (age > TimeSpan.FromMinutes(1) && group.Processes().Count == 0)
            {
                group.TryRemove();
            }
        }
        foreach (var directory in Directory.Exists(host.JobsDirectory) ? Directory.EnumerateDirectories(host.JobsDirectory) : [])
        {
            if (DateTime.UtcNow - Directory.GetCreationTimeUtc(directory) > lifetime) Directory.Delete(directory, recursive: true);
        }
        var deleted = await host.Rootfs.SweepAsync(lifetime, ct);
        if (deleted > 0) logger.LogInformation("Deleted {Count} retired root filesystem(s)", deleted);
    }
}
