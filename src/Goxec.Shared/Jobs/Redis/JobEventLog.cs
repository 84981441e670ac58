using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>
/// A job's two side streams: its events (<see cref="JobKeys.Events"/>: status, output, exits, the result;
/// written by the worker, read by any Api replica) and, for an interactive run, its input (<see cref="JobKeys.Stdin"/>:
/// written by the Api replica holding the user's socket, read by the worker). Each write nudges the readers, an
/// events nudge with the events themselves when they are small; each read returns at once (see <see cref="Nudges"/>).
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

    /// <summary>
    /// The events an events nudge carried (see <c>JobScripts.AppendEvents</c>) that come after <paramref name="after"/>,
    /// when nothing can be missing between: the first new one must be the very next entry id (<c>a-(n+1)</c>, or
    /// <c>(a+1)-0</c> after <c>a-max</c>), and each the next after the one before. Null when the nudge carried none
    /// or there may be a gap (a lost or reordered nudge): then read the stream. Empty when all were read already.
    /// </summary>
    public static IReadOnlyList<JobEvent>? Following(RedisValue payload, string after)
    {
        if (payload.IsNullOrEmpty || !EntryId.TryParse(after, out var last)) return null;
        try
        {
            var reader = new Utf8JsonReader((byte[])payload!);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return null;
            var events = new List<JobEvent>();
            while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
            {
                if (NextString(ref reader) is not { } id || NextString(ref reader) is not { } type || NextString(ref reader) is not { } data
                    || !reader.Read() || reader.TokenType != JsonTokenType.EndArray || !EntryId.TryParse(id, out var entry)) return null;
                if (entry.CompareTo(last) <= 0) continue; // read already
                if (!entry.Follows(last)) return null;
                events.Add(new JobEvent(id, type, data));
                last = entry;
            }
            return reader.TokenType == JsonTokenType.EndArray ? events : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? NextString(ref Utf8JsonReader reader) =>
        reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;

    /// <summary>Adds one input entry (<c>stdin</c>, <c>eof</c>, <c>signal</c>) for the running job.</summary>
    public Task AddInputAsync(string jobId, string type, string data, TimeSpan ttl, CancellationToken ct) =>
        JobScripts.AppendInput.EvaluateAsync(Db, [JobKeys.Stdin(jobId)],
            [JobKeys.Nudge.Stdin(jobId).ToString(), (long)ttl.TotalSeconds, type, data], ct);

    /// <summary>Input entries after <paramref name="after"/> ("0-0" for all); their data as bytes, as written.</summary>
    public async Task<IReadOnlyList<JobInputEntry>> ReadInputAsync(string jobId, string after, int count, CancellationToken ct) =>
        [.. (await Db.StreamReadAsync(JobKeys.Stdin(jobId), after, count).WaitAsync(ct)).Select(e => new JobInputEntry(e.Id!, e["type"]!, (byte[])e["data"]!))];
}

/// <summary>A stream entry id, <c>{ms}-{seq}</c> (for an events stream: <c>{attempt}-{n}</c>), in stream order.</summary>
internal readonly record struct EntryId(ulong Major, ulong Minor) : IComparable<EntryId>
{
    public static bool TryParse(string text, out EntryId id)
    {
        var dash = text.IndexOf('-');
        id = default;
        if (dash <= 0 || !ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !ulong.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var minor)) return false;
        id = new EntryId(major, minor);
        return true;
    }

    public int CompareTo(EntryId other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    /// <summary>True when no entry id can lie between <paramref name="previous"/> and this one.</summary>
    public bool Follows(EntryId previous) =>
        previous.Minor == ulong.MaxValue ? Major == previous.Major + 1 && Minor == 0 : Major == previous.Major && Minor == previous.Minor + 1;
}

/// <summary>One entry of a job's events stream: its id (<see cref="JobEvents.Seq"/> turns it into a client's seq), type and data.</summary>
public sealed record JobEvent(string Id, string Type, string Data);

/// <summary>One entry of a job's input stream.</summary>
public sealed record JobInputEntry(string Id, string Type, byte[] Data);
