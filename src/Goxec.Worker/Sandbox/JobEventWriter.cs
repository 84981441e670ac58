using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Redis;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Publishes one attempt's events to the job's events stream. Output chunks are queued and a single
/// pump writes them: while one write is in flight the next chunks accumulate and go out merged
/// (up to 16 KB), so a chatty program costs few writes and an idle one adds no delay.
/// Entries get explicit ids <c>{attempt}-{n}</c>, which makes a retry after a lost connection
/// idempotent: an entry that did get stored is refused the second time ("ID … equal or smaller").
/// </summary>
public sealed class JobEventWriter : IJobEvents, IAsyncDisposable
{
    private const int MaxChunkChars = 16 * 1024;
    private readonly IRedisClient _redis;
    private readonly string _key;
    private readonly int _attempt;
    private long _next = 1; // 0 is the attempt's "running" status
    private readonly Channel<(string Type, string Data)> _queue = Channel.CreateUnbounded<(string, string)>(new() { SingleReader = true });
    private readonly Decoder _stdout = new UTF8Encoding(false).GetDecoder();
    private readonly Decoder _stderr = new UTF8Encoding(false).GetDecoder();
    private readonly Task _pump;

    private JobEventWriter(IRedisClient redis, string jobId, int attempt)
    {
        _redis = redis;
        _key = JobEvents.Key(jobId);
        _attempt = attempt;
        _pump = PumpAsync();
    }

    /// <summary>Starts an attempt: earlier attempts' events are trimmed and "running" is announced.</summary>
    public static async Task<JobEventWriter> BeginAsync(IRedisClient redis, string jobId, int attempt, string worker, TimeSpan ttl, CancellationToken ct)
    {
        var key = JobEvents.Key(jobId);
        var status = JsonSerializer.Serialize(new StatusData("running", attempt, worker), WorkerJsonContext.Default.StatusData);
        await redis.ExecuteBatchAsync(
        [
            new RedisCommand("XTRIM", key, "MINID", $"{attempt}-0"),
            new RedisCommand("XADD", key, $"{attempt}-0", "type", JobEvents.Status, "data", status),
            new RedisCommand("EXPIRE", key, (long)ttl.TotalSeconds),
        ], ct);
        return new JobEventWriter(redis, jobId, attempt);
    }

    /// <summary>Queues output; multi-byte characters split across frames are kept whole.</summary>
    public void Output(OutputStream stream, ReadOnlySpan<byte> data)
    {
        var decoder = stream == OutputStream.Stderr ? _stderr : _stdout;
        var chars = new char[decoder.GetCharCount(data, flush: false)];
        var count = decoder.GetChars(data, chars, flush: false);
        if (count > 0) _queue.Writer.TryWrite((stream == OutputStream.Stderr ? JobEvents.Stderr : JobEvents.Stdout, new string(chars, 0, count)));
    }

    public void StageExit(string stage, StageResult result) =>
        _queue.Writer.TryWrite((JobEvents.Exit, JsonSerializer.Serialize(new ExitData(stage, result.ExitCode, result.Signal), WorkerJsonContext.Default.ExitData)));

    private async Task PumpAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<RedisCommand>();
            (string Type, string Data)? pending = null;
            while (reader.TryRead(out var item))
            {
                if (pending is { } p && p.Type == item.Type && item.Type is JobEvents.Stdout or JobEvents.Stderr && p.Data.Length + item.Data.Length <= MaxChunkChars)
                {
                    pending = (p.Type, p.Data + item.Data);
                    continue;
                }
                if (pending is { } done) batch.Add(Add(done));
                pending = item;
            }
            if (pending is { } last) batch.Add(Add(last));
            await WriteAsync(batch);
        }
    }

    /// <summary>Retries through a Redis restart for a while; after that the stored result still has the whole output.</summary>
    private async Task WriteAsync(List<RedisCommand> batch)
    {
        for (var delay = TimeSpan.FromMilliseconds(100); delay <= TimeSpan.FromSeconds(3); delay *= 2)
        {
            try
            {
                await _redis.ExecuteBatchAsync(batch);
                return;
            }
            catch (Exception e) when (e is RedisConnectionException or TimeoutException)
            {
                await Task.Delay(delay);
            }
        }
    }

    private RedisCommand Add((string Type, string Data) e) => new("XADD", _key, $"{_attempt}-{_next++}", "type", e.Type, "data", e.Data);

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
