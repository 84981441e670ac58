using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Goxec.Docker;
using Goxec.Jobs;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Publishes one attempt's events to the job's events stream (<see cref="JobEventLog"/>). Output chunks are queued
/// and a single pump writes them: while one write is in flight the next chunks accumulate and go out merged
/// (up to 16 KB each, one round trip per batch), so a chatty program costs few writes and an idle one adds no delay.
/// Entries get explicit ids <c>{attempt}-{n}</c>, which makes a retry after a lost connection idempotent.
/// The queue (the outbox) is bounded by the job's own output limits: it never holds more characters than the job
/// may print (stdout and stderr of both stages, which the stage runner cuts at their caps), so a worker's outbox
/// memory is at most its concurrency times that. Past the bound (a broken cap, say) output is left out of the
/// live stream, the stored result still has it, and the log says so once.
/// </summary>
public sealed class JobEventWriter : IJobEvents, IAsyncDisposable
{
    private const int MaxChunkChars = 16 * 1024;
    private readonly JobEventLog _log;
    private readonly string _jobId;
    private readonly int _attempt;
    private readonly ILogger? _logger;
    private readonly long _maxPendingChars;
    private long _next = 1; // 0 is the attempt's "running" status
    private long _pendingChars;
    private int _dropped;
    private readonly Channel<(string Type, string Data)> _queue = Channel.CreateUnbounded<(string, string)>(new() { SingleReader = true });
    private readonly Decoder _stdout = new UTF8Encoding(false).GetDecoder();
    private readonly Decoder _stderr = new UTF8Encoding(false).GetDecoder();
    private readonly Task _pump;

    private JobEventWriter(JobEventLog log, string jobId, int attempt, long maxPendingChars, ILogger? logger)
    {
        (_log, _jobId, _attempt, _maxPendingChars, _logger) = (log, jobId, attempt, maxPendingChars, logger);
        _pump = PumpAsync();
    }

    /// <summary>
    /// Starts an attempt: earlier attempts' events are trimmed and "running" is announced. <paramref name="maxPendingChars"/>
    /// bounds the outbox (see <see cref="Bound"/>).
    /// </summary>
    public static async Task<JobEventWriter> BeginAsync(JobEventLog log, string jobId, int attempt, string worker, TimeSpan ttl, long maxPendingChars,
        CancellationToken ct, ILogger? logger = null)
    {
        var status = JsonSerializer.Serialize(new StatusData("running", attempt, worker), WorkerJsonContext.Default.StatusData);
        await log.AppendAsync(jobId, [new JobEvent($"{attempt}-0", JobEvents.Status, status)], ttl, trimBelow: $"{attempt}-0", ct);
        return new JobEventWriter(log, jobId, attempt, maxPendingChars, logger);
    }

    /// <summary>What a job may print: both streams of both stages at their caps (a character is at least a byte).</summary>
    public static long Bound(JobSpec job) =>
        2L * ((job.Limits ?? StageLimits.RunDefaults).MaxOutputBytes + (job.CompileLimits ?? StageLimits.CompileDefaults).MaxOutputBytes);

    /// <summary>Queues output; multi-byte characters split across frames are kept whole.</summary>
    public void Output(OutputStream stream, ReadOnlySpan<byte> data)
    {
        var decoder = stream == OutputStream.Stderr ? _stderr : _stdout;
        var chars = new char[decoder.GetCharCount(data, flush: false)];
        var count = decoder.GetChars(data, chars, flush: false);
        if (count > 0) Enqueue(stream == OutputStream.Stderr ? JobEvents.Stderr : JobEvents.Stdout, new string(chars, 0, count));
    }

    public void StageExit(string stage, StageResult result) =>
        _queue.Writer.TryWrite((JobEvents.Exit, JsonSerializer.Serialize(new ExitData(stage, result.ExitCode, result.Signal), WorkerJsonContext.Default.ExitData)));

    private void Enqueue(string type, string data)
    {
        if (Interlocked.Add(ref _pendingChars, data.Length) > _maxPendingChars)
        {
            Interlocked.Add(ref _pendingChars, -data.Length);
            if (Interlocked.Exchange(ref _dropped, 1) == 0)
                _logger?.LogWarning("Job {JobId}: Redis is not taking the live output; past {Max} characters waiting, the rest of it stays out of the live stream (the result keeps it)",
                    _jobId, _maxPendingChars);
            return;
        }
        _queue.Writer.TryWrite((type, data));
    }

    private async Task PumpAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<JobEvent>();
            var chars = 0L;
            (string Type, string Data)? pending = null;
            while (reader.TryRead(out var item))
            {
                if (item.Type is JobEvents.Stdout or JobEvents.Stderr) chars += item.Data.Length;
                if (pending is { } p && p.Type == item.Type && item.Type is JobEvents.Stdout or JobEvents.Stderr && p.Data.Length + item.Data.Length <= MaxChunkChars)
                {
                    pending = (p.Type, p.Data + item.Data);
                    continue;
                }
                if (pending is { } done) batch.Add(Event(done));
                pending = item;
            }
            if (pending is { } last) batch.Add(Event(last));
            await WriteAsync(batch);
            Interlocked.Add(ref _pendingChars, -chars);
        }
    }

    /// <summary>Retries through a Redis restart for a while; after that the stored result still has the whole output.</summary>
    private async Task WriteAsync(List<JobEvent> batch)
    {
        for (var delay = TimeSpan.FromMilliseconds(100); delay <= TimeSpan.FromSeconds(3); delay *= 2)
        {
            try
            {
                await _log.AppendAsync(_jobId, batch, ttl: null, trimBelow: null, CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is StackExchange.Redis.RedisConnectionException or TimeoutException)
            {
                await Task.Delay(delay);
            }
        }
    }

    private JobEvent Event((string Type, string Data) e) => new($"{_attempt}-{_next++}", e.Type, e.Data);

    /// <summary>Writes everything queued so far.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump;
    }

    internal sealed record StatusData(string Status, int Attempt, string Worker);
    internal sealed record ExitData(string Stage, int? ExitCode, string? Signal);
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(JobEventWriter.StatusData))]
[System.Text.Json.Serialization.JsonSerializable(typeof(JobEventWriter.ExitData))]
internal sealed partial class WorkerJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
