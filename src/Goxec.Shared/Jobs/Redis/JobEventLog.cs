using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>
/// A job's two side streams: its events (<see cref="JobKeys.Events"/>: status, output, exits, the result;
/// written by the worker, read by any Api replica) and, for an interactive run, its input (<see cref="JobKeys.Stdin"/>:
/// written by the Api replica holding the user's socket, read by the worker). Each write nudges the readers;
/// each read returns at once (see <see cref="Nudges"/>).
/// </summary>
public sealed class JobEventLog(IConnectionMultiplexer redis)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// Appends events with the ids the writer chose (<c>{attempt}-{n}</c>); an id stored already is skipped, so a
    /// retry is idempotent. With <paramref name="trimBelow"/>, older entries (an earlier attempt's) go first.
    /// </summary>
    public Task AppendAsync(string jobId, IReadOnlyList<JobEvent> events, TimeSpan? ttl, string? trimBelow, CancellationToken ct)
    {
        RedisValue[] args = [JobKeys.Nudge.EventsName(jobId), ttl is { } t ? (long)t.TotalSeconds : 0, trimBelow ?? "",
            .. events.SelectMany(e => new RedisValue[] { e.Id, e.Type, e.Data })];
        return JobScripts.AppendEvents.EvaluateAsync(Db, [JobKeys.Events(jobId)], args, ct);
    }

    /// <summary>Up to <paramref name="count"/> events after the entry id <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<JobEvent>> ReadAsync(string jobId, string after, int count, CancellationToken ct) =>
        [.. (await Db.StreamReadAsync(JobKeys.Events(jobId), after, count).WaitAsync(ct)).Select(e => new JobEvent(e.Id!, e["type"]!, e["data"]!))];

    /// <summary>Adds one input entry (<c>stdin</c>, <c>eof</c>, <c>signal</c>) for the running job.</summary>
    public Task AddInputAsync(string jobId, string type, string data, TimeSpan ttl, CancellationToken ct) =>
        JobScripts.AppendInput.EvaluateAsync(Db, [JobKeys.Stdin(jobId)],
            [JobKeys.Nudge.Stdin(jobId).ToString(), (long)ttl.TotalSeconds, type, data], ct);

    /// <summary>Input entries after <paramref name="after"/> ("0-0" for all); their data as bytes, as written.</summary>
    public async Task<IReadOnlyList<JobInputEntry>> ReadInputAsync(string jobId, string after, int count, CancellationToken ct) =>
        [.. (await Db.StreamReadAsync(JobKeys.Stdin(jobId), after, count).WaitAsync(ct)).Select(e => new JobInputEntry(e.Id!, e["type"]!, (byte[])e["data"]!))];
}

/// <summary>One entry of a job's events stream: its id (<see cref="JobEvents.Seq"/> turns it into a client's seq), type and data.</summary>
public sealed record JobEvent(string Id, string Type, string Data);

/// <summary>One entry of a job's input stream.</summary>
public sealed record JobInputEntry(string Id, string Type, byte[] Data);
