using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>
/// The work stream (<see cref="JobKeys.Stream"/>), the finish announcements (<see cref="JobKeys.Finished"/>) and the
/// dead letters. Every read here returns at once: the waiting is done on <see cref="Nudges"/>, never on a Redis
/// connection, so the multiplexer is never blocked and a process needs no connection per reader.
/// </summary>
public sealed class JobQueue(IConnectionMultiplexer redis)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Creates the work stream's consumer group from the start of the stream, if missing (jobs queued before any worker ran are delivered).</summary>
    public Task EnsureGroupAsync(CancellationToken ct) => EnsureGroupAsync(JobKeys.Stream, JobKeys.Group, StreamPosition.Beginning, ct);

    /// <summary>
    /// Creates the webhook group on <see cref="JobKeys.Finished"/> if missing, from "$": finishes from before the
    /// first Api ever started have no one waiting for them.
    /// </summary>
    public Task EnsureWebhookGroupAsync(CancellationToken ct) => EnsureGroupAsync(JobKeys.Finished, JobKeys.WebhookGroup, StreamPosition.NewMessages, ct);

    private async Task EnsureGroupAsync(string stream, string group, RedisValue from, CancellationToken ct)
    {
        try
        {
            await Db.StreamCreateConsumerGroupAsync(stream, group, from, createStream: true).WaitAsync(ct);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Already there: whoever came first made it.
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> entries for this consumer: new ones (<paramref name="pendingOnly"/> false) or
    /// the ones it already holds (after a restart). An empty list when there are none.
    /// </summary>
    public async Task<IReadOnlyList<QueueEntry>> ReadAsync(string consumer, int count, bool pendingOnly, CancellationToken ct) =>
        QueueEntry.From(await Db.StreamReadGroupAsync(JobKeys.Stream, JobKeys.Group, consumer,
            pendingOnly ? StreamPosition.Beginning : StreamPosition.NewMessages, count).WaitAsync(ct));

    /// <summary>Takes over entries idle for longer than <paramref name="idle"/> (their worker is gone).</summary>
    public async Task<IReadOnlyList<QueueEntry>> ReclaimAsync(string consumer, TimeSpan idle, int count, CancellationToken ct) =>
        QueueEntry.From((await Db.StreamAutoClaimAsync(JobKeys.Stream, JobKeys.Group, consumer, (long)idle.TotalMilliseconds, "0-0", count)
            .WaitAsync(ct)).ClaimedEntries);

    /// <summary>Entries delivered to a worker and not yet acknowledged.</summary>
    public async Task<long> PendingAsync(CancellationToken ct) => (await Db.StreamPendingAsync(JobKeys.Stream, JobKeys.Group).WaitAsync(ct)).PendingMessageCount;

    /// <summary>How many jobs wait in the work stream (it holds only unfinished ones).</summary>
    public Task<long> LengthAsync(CancellationToken ct) => Db.StreamLengthAsync(JobKeys.Stream).WaitAsync(ct);

    /// <summary>The id of the newest finish announcement, to follow from there ("0-0" when there is none).</summary>
    public async Task<string> LastFinishedAsync(CancellationToken ct)
    {
        var newest = await Db.StreamRangeAsync(JobKeys.Finished, "-", "+", 1, Order.Descending).WaitAsync(ct);
        return newest.Length == 0 ? "0-0" : newest[0].Id!;
    }

    /// <summary>Finish announcements after <paramref name="after"/>: (entry id, job id).</summary>
    public async Task<IReadOnlyList<(string Entry, string JobId)>> ReadFinishedAsync(string after, int count, CancellationToken ct) =>
        [.. (await Db.StreamReadAsync(JobKeys.Finished, after, count).WaitAsync(ct)).Select(e => (e.Id.ToString(), e["id"].ToString()))];

    /// <summary>Every finish announcement still kept: the job ids, one per announcement (a test or a tool counts duplicates with it).</summary>
    public async Task<IReadOnlyList<string>> AllFinishedAsync(CancellationToken ct) =>
        [.. (await Db.StreamRangeAsync(JobKeys.Finished).WaitAsync(ct)).Select(e => e["id"].ToString())];

    /// <summary>New finishes for this webhook consumer, or (with <paramref name="idle"/>) ones a vanished replica held that long.</summary>
    public async Task<IReadOnlyList<QueueEntry>> ReadWebhooksAsync(string consumer, int count, TimeSpan? idle, CancellationToken ct) =>
        QueueEntry.From(idle is { } claimIdle
            ? (await Db.StreamAutoClaimAsync(JobKeys.Finished, JobKeys.WebhookGroup, consumer, (long)claimIdle.TotalMilliseconds, "0-0", count)
                .WaitAsync(ct)).ClaimedEntries
            : await Db.StreamReadGroupAsync(JobKeys.Finished, JobKeys.WebhookGroup, consumer, StreamPosition.NewMessages, count).WaitAsync(ct));

    public Task AcknowledgeWebhookAsync(string entryId, CancellationToken ct) =>
        Db.StreamAcknowledgeAsync(JobKeys.Finished, JobKeys.WebhookGroup, entryId).WaitAsync(ct);

    /// <summary>The newest dead letters first. The stream is capped (<see cref="JobStoreOptions.SideStreamMaxLength"/>), so a full read is bounded.</summary>
    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(int? count, CancellationToken ct) =>
        [.. (await Db.StreamRangeAsync(JobKeys.DeadLetters, "-", "+", count, Order.Descending).WaitAsync(ct)).Select(DeadLetter.From)];

    public Task DeleteDeadLetterAsync(string entryId, CancellationToken ct) => Db.StreamDeleteAsync(JobKeys.DeadLetters, [entryId]).WaitAsync(ct);
}

/// <summary>One entry of a stream as delivered: its id and fields (null when the entry was deleted meanwhile).</summary>
public sealed record QueueEntry(string EntryId, IReadOnlyDictionary<string, string>? Fields)
{
    public string? Field(string name) => Fields is not null && Fields.TryGetValue(name, out var v) ? v : null;

    internal static IReadOnlyList<QueueEntry> From(StreamEntry[] entries) =>
        [.. entries.Select(e => new QueueEntry(e.Id!, e.IsNull || e.Values is not { Length: > 0 } values ? null
            : values.ToDictionary(v => v.Name.ToString(), v => v.Value.ToString(), StringComparer.Ordinal)))];
}

/// <summary>A job that could not be run, as the dead-letter stream keeps it.</summary>
public sealed record DeadLetter(string EntryId, string Id, string Reason, string Error, int Attempts, string Worker, DateTimeOffset? At)
{
    internal static DeadLetter From(StreamEntry entry)
    {
        string Text(string name) => entry[name].ToString();
        return new DeadLetter(entry.Id!, Text("id"), Text("reason"), Text("error"),
            int.TryParse(Text("attempts"), out var attempts) ? attempts : 0, Text("worker"),
            long.TryParse(Text("at"), out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }
}
