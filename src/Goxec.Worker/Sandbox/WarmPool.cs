using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Goxec.Docker;
using Goxec.Languages;
using Goxec.Worker.Queue;
using Microsoft.Extensions.Options;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Idle, fully hardened containers per language (see <see cref="ContainerSpecFactory.CreateWarm"/>),
/// created and started ahead of demand so a job skips the engine's create and start. A taken
/// container leaves the pool for good: it runs one job and is destroyed like a fresh one, and a
/// replacement is prepared in the background. Sizes follow <see cref="PoolDemand"/> within the caps.
/// </summary>
public sealed class WarmPool : BackgroundService
{
    private readonly IDockerClient _docker;
    private readonly LanguageCatalog _languages;
    private readonly SandboxOptions _options;
    private readonly string _worker;
    private readonly RunningJobs _running;
    private readonly ClusterIdentity _cluster;
    private readonly ContainerRemovals _removals;
    private readonly TimeProvider _clock;
    private readonly ILogger<WarmPool> _logger;
    private readonly PoolDemand _demand;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<WarmContainer>> _idle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _backoffUntil = new(StringComparer.Ordinal);
    private static readonly TimeSpan EngineTimeout = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _wake = new(0);
    /// <summary>Per language, completed when the container being warmed now is idle (or failed).</summary>
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _warming = new(StringComparer.Ordinal);

    public WarmPool(IDockerClient docker, LanguageCatalog languages, IOptions<SandboxOptions> options, IOptions<WorkerOptions> worker, RunningJobs running,
        ClusterIdentity cluster, ContainerRemovals removals, TimeProvider clock, ILogger<WarmPool> logger)
    {
        (_docker, _languages, _options, _worker, _running, _cluster, _removals, _clock, _logger) =
            (docker, languages, options.Value, worker.Value.ConsumerName, running, cluster, removals, clock, logger);
        _demand = new PoolDemand(clock, Pool.DemandWindow);
        GoxecDiagnostics.Meter.CreateObservableGauge("goxec.pool.size",
            () => _idle.Select(p => new Measurement<int>(p.Value.Count, new KeyValuePair<string, object?>("language", p.Key))),
            "{container}", "Idle warm containers per language on this worker.");
    }

    private PoolOptions Pool => _options.Pool;

    public bool Enabled => Pool.Enabled;

    /// <summary>
    /// An idle container for the language, now owned by the caller (still tracked under its pool name),
    /// or null. When none is idle but one is being warmed right now, waits for it (at most
    /// <paramref name="wait"/>): it is ready sooner than a fresh container would be, and creating both
    /// at once on a small machine slows each (measured).
    /// </summary>
    public async Task<WarmContainer?> TakeAsync(string language, TimeSpan wait, CancellationToken ct)
    {
        if (!Pool.Enabled) return null;
        _demand.Record(language);
        if (TryDequeue(language) is { } idle) return idle;
        if (!_warming.TryGetValue(language, out var warming)) return null;
        await warming.Task.WaitAsync(wait, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ct.ThrowIfCancellationRequested();
        return TryDequeue(language);
    }

    private WarmContainer? TryDequeue(string language) =>
        _idle.TryGetValue(language, out var idle) && idle.TryDequeue(out var taken) ? taken : null;

    /// <summary>
    /// A job has left the sandbox: refill (or warm a cold language up) now rather than at the next
    /// check. Not at the take: measured on 2 cores, creating the replacement while the job's own
    /// stages ran made those stages about three times slower.
    /// </summary>
    public void JobLeft()
    {
        if (Pool.Enabled) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Pool.Enabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefillAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Warm pool check failed; trying again in {Interval}", Pool.CheckInterval);
            }
            try
            {
                await _wake.WaitAsync(Pool.CheckInterval, stoppingToken);
                while (_wake.CurrentCount > 0) await _wake.WaitAsync(stoppingToken); // one refill answers every take so far
            }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>A worker's shutdown removes its idle containers; none outlives it.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var all = _idle.Values.SelectMany(q => q.ToArray()).ToList();
        _idle.Clear();
        foreach (var container in all) await container.Upload.DisposeAsync();
        await Task.WhenAll(all.Select(c => _removals.RemoveNowAsync(c.Id, c.Name)));
    }

    private async Task RefillAsync(CancellationToken ct)
    {
        await DropDeadAsync(ct);
        var targets = PoolSizing.Targets(_demand.Snapshot(), Pool, id => _languages.Find(id) is { } l && l.Id == id);
        var now = _clock.GetUtcNow();
        foreach (var (language, idle) in _idle)
        {
            var target = targets.GetValueOrDefault(language);
            // Oldest first: those past MaxIdle, then any beyond the language's current target.
            while (idle.TryPeek(out var oldest) && (now - oldest.CreatedAt > Pool.MaxIdle || idle.Count > target) && idle.TryDequeue(out oldest))
            {
                await oldest.Upload.DisposeAsync();
                await _removals.EnqueueAsync(oldest.Id, oldest.Name);
            }
        }
        foreach (var (language, target) in targets)
        {
            if (target == 0 || (_backoffUntil.TryGetValue(language, out var until) && until > now)) continue;
            var idle = _idle.GetOrAdd(language, _ => new ConcurrentQueue<WarmContainer>());
            if (idle.Count >= target) continue;
            var definition = _languages.Find(language)!;
            var imageId = await _docker.GetImageIdAsync(definition.Image, ct);
            if (imageId is null)
            {
                Backoff(language, $"image {definition.Image} is missing");
                continue;
            }
            while (idle.Count < target && !ct.IsCancellationRequested)
            {
                var warming = _warming[language] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                WarmContainer? created = null;
                try
                {
                    created = await CreateAsync(definition, imageId, ct);
                    if (created is not null) idle.Enqueue(created);
                }
                finally
                {
                    _warming.TryRemove(language, out _);
                    warming.TrySetResult();
                }
                if (created is null) break;
            }
        }
    }

    /// <summary>
    /// Idle containers that stopped while waiting (killed, out of memory, an engine restart) leave the
    /// pool at the next check, so a replacement comes before a job would have to fall back.
    /// </summary>
    private async Task DropDeadAsync(CancellationToken ct)
    {
        if (_idle.Values.All(idle => idle.IsEmpty)) return;
        var running = (await _docker.ListContainersAsync(
                [ContainerSpecFactory.PoolLabel, $"{ContainerSpecFactory.WorkerLabel}={_worker}", $"{ContainerSpecFactory.ClusterLabel}={await _cluster.GetAsync(ct)}"], ct)
            .WaitAsync(EngineTimeout, ct))
            .Where(c => c.State == "running").Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (language, idle) in _idle)
        {
            // A take may dequeue meanwhile; each container seen here is either kept once or removed once.
            for (var n = idle.Count; n > 0 && idle.TryDequeue(out var container); n--)
            {
                if (running.Contains(container.Id))
                {
                    idle.Enqueue(container);
                    continue;
                }
                _logger.LogWarning("Idle warm container {Container} for {Language} stopped while waiting; replacing it", container.Name, language);
                await container.Upload.DisposeAsync();
                await _removals.EnqueueAsync(container.Id, container.Name);
            }
        }
    }

    private async Task<WarmContainer?> CreateAsync(LanguageDefinition language, string imageId, CancellationToken ct)
    {
        var name = ContainerSpecFactory.WarmName(language.Id);
        var spec = ContainerSpecFactory.CreateWarm(language, _options, imageId, _worker, await _cluster.GetAsync(ct));
        _running.TrackContainer(name); // before it exists, so the reaper never takes it
        // Not the stopping token: a create cancelled in flight can leave a container the engine made
        // but we never heard of. One under way finishes; shutdown then removes it with the rest.
        using var timeout = new CancellationTokenSource(EngineTimeout);
        string? id = null;
        try
        {
            id = await _docker.CreateContainerAsync(spec, name, timeout.Token);
            await _docker.StartContainerAsync(id, timeout.Token);
            var upload = await PreparedUpload.StartAsync(_docker, id, _options, timeout.Token);
            return new WarmContainer(id, name, language.Id, imageId, _clock.GetUtcNow(), upload,
                ContainerSpecFactory.Initial(ContainerSpecFactory.WarmStages(language, _options), _options));
        }
        catch (Exception e)
        {
            // By name when the create's answer never came: the engine may have made it all the same.
            await _removals.RemoveNowAsync(id ?? name, name);
            Backoff(language.Id, e.Message);
            return null;
        }
    }

    private void Backoff(string language, string why)
    {
        _backoffUntil[language] = _clock.GetUtcNow() + Pool.FailureBackoff;
        _logger.LogWarning("Could not warm a {Language} container ({Reason}); jobs run fresh containers, next try in {Backoff}", language, why, Pool.FailureBackoff);
    }
}

/// <summary>An idle pool container: its id, its name until taken, the image id it was created from, its waiting upload and its memory and pids.</summary>
public sealed record WarmContainer(string Id, string Name, string Language, string ImageId, DateTimeOffset CreatedAt, PreparedUpload Upload,
    ContainerUpdateRequest Resources);
