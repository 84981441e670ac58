using Goxec.Docker;
using Goxec.Languages;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Which runtime images are built. One image listing every <see cref="RefreshInterval"/> (not an inspect per
/// language per health check) keeps the answer, so the health check costs nothing. A language whose image is
/// missing is optional: the worker runs the others. The set is logged once at start-up and again only when it
/// changes, so a machine with only the core images built is quiet.
/// </summary>
internal sealed class RuntimeImages(IDockerClient docker, LanguageCatalog languages, TimeProvider clock, ILogger<RuntimeImages> logger)
    : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private Snapshot? _current;

    /// <summary>The latest listing; null until the first one succeeded.</summary>
    public Snapshot? Current => Volatile.Read(ref _current);

    public async Task<Snapshot> RefreshAsync(CancellationToken ct)
    {
        var tags = (await docker.ListImagesAsync(cancellationToken: ct)).SelectMany(i => i.RepoTags).ToHashSet(StringComparer.Ordinal);
        var missing = languages.All.Where(l => !tags.Contains(l.Image)).Select(l => l.Id).Order(StringComparer.Ordinal).ToList();
        var snapshot = new Snapshot(missing, languages.All.Count, clock.GetUtcNow());
        Report(Interlocked.Exchange(ref _current, snapshot), snapshot);
        return snapshot;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, clock);
        try
        {
            do
            {
                try { await RefreshAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The health check probes the engine itself and says so; this only keeps the last listing.
                    logger.LogDebug(e, "Listing the runtime images failed; trying again in {Interval}", RefreshInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private void Report(Snapshot? previous, Snapshot now)
    {
        if (previous is not null && previous.Missing.SequenceEqual(now.Missing)) return;
        if (now.Missing.Count == 0)
            logger.LogInformation("All {Count} runtime images are built", now.Languages);
        else if (previous is null)
            logger.LogWarning("{Missing} of {Count} runtime images are not built ({Languages}); jobs in those languages fail until './goxec images <id>' (or --all) builds them",
                now.Missing.Count, now.Languages, string.Join(", ", now.Missing));
        else
            logger.LogInformation("Runtime images changed: {Missing} of {Count} are not built ({Languages})", now.Missing.Count, now.Languages, string.Join(", ", now.Missing));
    }

    /// <summary>The languages (ids) whose image is missing, out of <see cref="Languages"/>, as of <see cref="At"/>.</summary>
    public sealed record Snapshot(IReadOnlyList<string> Missing, int Languages, DateTimeOffset At)
    {
        public bool NoneBuilt => Missing.Count == Languages;
    }
}
