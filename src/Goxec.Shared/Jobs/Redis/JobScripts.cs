namespace Goxec.Jobs;

/// <summary>
/// The job state machine lives in these scripts so each transition is one atomic step: nothing can observe a
/// job half-stored, and the first terminal result wins. Each runs by its SHA (<see cref="JobScript"/>), sent in
/// full only when Redis has not cached it (first use, or a restart's empty cache). Constants (schema version, key
/// prefixes, channels) come from <see cref="JobKeys"/>, so no key or version is written twice.
/// </summary>
internal static class JobScripts
{
    /// <summary>
    /// <c>take(bucket, rate, burst, cost)</c>: a token bucket refilled by Redis TIME, so every replica agrees on it.
    /// Times are whole milliseconds: Lua hands numbers to Redis as "%.14g", which would round microseconds.
    /// Returns allowed (1/0), tokens left (text), ms until the cost is available, ms until full.
    /// </summary>
    private const string TakeFunction = """
        local function take(bucket, rate, burst, cost)
          local t = redis.call('TIME')
          local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          local state = redis.call('HMGET', bucket, 'tokens', 'at')
          local tokens = tonumber(state[1]) or burst
          local at = tonumber(state[2]) or now
          if now > at then tokens = math.min(burst, tokens + (now - at) * rate / 1000) end
          local allowed = 0
          if tokens >= cost then
            tokens = tokens - cost
            allowed = 1
          end
          redis.call('HSET', bucket, 'tokens', string.format('%.6f', tokens), 'at', string.format('%d', math.max(now, at)))
          redis.call('PEXPIRE', bucket, math.ceil(burst / rate * 1000) + 1000)
          local wait = 0
          if allowed == 0 then wait = math.ceil((cost - tokens) * 1000 / rate) end
          return allowed, string.format('%.6f', tokens), wait, math.ceil((burst - tokens) * 1000 / rate)
        end

        """;

    /// <summary>KEYS: bucket. ARGV: rate per second, burst, cost. Returns {allowed, tokens left, wait ms, ms until full}.</summary>
    public static readonly JobScript Take = new(TakeFunction + """
        local allowed, tokens, wait, full = take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
        return {allowed, tokens, wait, full}
        """);

    /// <summary>
    /// <c>reserve(set, cap, wanted)</c> over a caller's sorted set of unfinished job ids: returns true, or false
    /// and the unfinished count, and the Redis time (seconds) to score new ids with. An id whose job finished, or
    /// whose job was never stored within 30 s, is dropped, so the count heals itself and a crashed Api replica
    /// leaks nothing. Pruning reads every member's job, so it runs only when the set itself is over the cap:
    /// below it, even counting every member as unfinished there is room. A submission stays O(log n) however many
    /// jobs a caller has queued, and the pruning is bounded by the cap.
    /// </summary>
    private const string ReserveFunction = $$"""
        local function reserve(set, cap, wanted)
          local now = tonumber(redis.call('TIME')[1])
          local active = redis.call('ZCARD', set)
          if active + wanted > cap then
            local members = redis.call('ZRANGE', set, 0, -1, 'WITHSCORES')
            active = 0
            for i = 1, #members, 2 do
              local status = redis.call('HGET', '{{JobKeys.JobPrefix}}' .. members[i], 'status')
              if status == 'completed' or status == 'dead_lettered' or (not status and now - tonumber(members[i + 1]) > 30) then
                redis.call('ZREM', set, members[i])
              else
                active = active + 1
              end
            end
            if active + wanted > cap then return false, active, now end
          end
          return true, active, now
        end

        """;

    /// <summary>
    /// One round trip per submission. First the caller's token bucket (KEYS[5], '' for none): refused, nothing else
    /// happens. Then with an idempotency key (KEYS[3], '' for none) already taken, nothing is stored and the earlier
    /// job's id is returned; else, with a caller's slot set (KEYS[4], '' for no cap), a slot under the cap is
    /// reserved or the submission refused; then the job hash is stored and its stream entry queued together, so a
    /// queued entry always has a job, and idle workers are nudged.
    /// KEYS: job, stream, idempotency key, slot set, bucket. ARGV: ttl seconds, id, traceparent, cap, rate, burst,
    /// then hash field/value pairs.
    /// Returns {outcome, job id, unfinished jobs, then the bucket's allowed, tokens left, wait ms, ms until full}; outcome is 'new', 'repeat',
    /// 'capped' (nothing stored) or 'limited' (the bucket refused: nothing stored).
    /// </summary>
    public static readonly JobScript Enqueue = new(TakeFunction + ReserveFunction + $$"""
        local allowed, tokens, wait, full = 1, '0', 0, 0
        if KEYS[5] ~= '' then
          allowed, tokens, wait, full = take(KEYS[5], tonumber(ARGV[5]), tonumber(ARGV[6]), 1)
          if allowed == 0 then return {'limited', '', 0, allowed, tokens, wait, full} end
        end
        if KEYS[3] ~= '' then
          local earlier = redis.call('GET', KEYS[3])
          if earlier then return {'repeat', earlier, 0, allowed, tokens, wait, full} end
        end
        if KEYS[4] ~= '' then
          local reserved, active, now = reserve(KEYS[4], tonumber(ARGV[4]), 1)
          if not reserved then return {'capped', '', active, allowed, tokens, wait, full} end
          redis.call('ZADD', KEYS[4], now, ARGV[2])
          redis.call('EXPIRE', KEYS[4], ARGV[1])
        end
        if KEYS[3] ~= '' then redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[1]) end
        redis.call('HSET', KEYS[1], unpack(ARGV, 7))
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'v', '{{JobKeys.SchemaVersion}}', 'traceparent', ARGV[3])
        redis.call('PUBLISH', '{{QueuedChannel}}', '')
        return {'new', ARGV[2], 0, allowed, tokens, wait, full}
        """);

    /// <summary>
    /// Puts a dead-lettered job back in the queue as new: attempts and result cleared, a fresh entry.
    /// KEYS: job, stream, dead letters. ARGV: dead-letter entry id, traceparent.
    /// Returns the new entry id, or '' when the job is gone or not dead-lettered.
    /// </summary>
    public static readonly JobScript Retry = new($$"""
        if redis.call('HGET', KEYS[1], 'status') ~= 'dead_lettered' then return '' end
        redis.call('HDEL', KEYS[1], 'result', 'finishedAt', 'startedAt', 'worker', 'lastError', 'failures')
        redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', 0)
        redis.call('XDEL', KEYS[3], ARGV[1])
        local id = redis.call('HGET', KEYS[1], 'id')
        local entry = redis.call('XADD', KEYS[2], '*', 'id', id, 'v', '{{JobKeys.SchemaVersion}}', 'traceparent', ARGV[2])
        redis.call('PUBLISH', '{{QueuedChannel}}', '')
        return entry
        """);

    /// <summary>
    /// Marks a job running and counts the attempt. KEYS: job. ARGV: worker, now (unix ms).
    /// Returns {state, attempts}: state is "run", "done" (already terminal) or "gone" (expired or never stored).
    /// </summary>
    public static readonly JobScript Start = new("""
        local status = redis.call('HGET', KEYS[1], 'status')
        if not status then return {'gone', 0} end
        if status == 'completed' or status == 'dead_lettered' then
          return {'done', tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0')}
        end
        local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
        redis.call('HSET', KEYS[1], 'status', 'running', 'worker', ARGV[1], 'startedAt', ARGV[2])
        return {'run', attempts}
        """);

    /// <summary>
    /// Counts a failed attempt and puts the job back to queued, but only while that attempt is still
    /// the job's current one (running, same worker, same attempt number). A worker cut off from Redis
    /// for longer than the reclaim time comes back to a job another worker has taken over, or
    /// finished: its late failure must not turn a completed job back into a queued one.
    /// KEYS: job. ARGV: worker, attempt, error. Returns the failures so far, or -1 when the attempt is stale.
    /// </summary>
    public static readonly JobScript RecordFailure = new("""
        local job = redis.call('HMGET', KEYS[1], 'status', 'worker', 'attempts')
        if job[1] ~= 'running' or job[2] ~= ARGV[1] or job[3] ~= ARGV[2] then return -1 end
        local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
        redis.call('HSET', KEYS[1], 'status', 'queued', 'lastError', ARGV[3])
        return failures
        """);

    /// <summary>
    /// Leaves the entry pending but makes it look idle, so a reclaim picks it up after a backoff; only
    /// while the attempt is still the job's current one (running, or queued by its own failure record).
    /// A stale attempt's XCLAIM would otherwise take the entry from the worker now running the job and
    /// hand it to a third one. KEYS: job, stream. ARGV: group, consumer, entry id, idle ms, attempt.
    /// Returns 1 when released, 0 when the attempt is stale.
    /// </summary>
    public static readonly JobScript Release = new("""
        local job = redis.call('HMGET', KEYS[1], 'status', 'worker', 'attempts')
        if (job[1] ~= 'running' and job[1] ~= 'queued') or job[2] ~= ARGV[2] or job[3] ~= ARGV[5] then return 0 end
        redis.call('XCLAIM', KEYS[2], ARGV[1], ARGV[2], 0, ARGV[3], 'IDLE', ARGV[4], 'JUSTID')
        return 1
        """);

    /// <summary>
    /// The heartbeat: resets the idle time of this worker's pending entries (XCLAIM JUSTID counts no
    /// delivery), but only of jobs it still runs. A worker back from a network cut must not take back
    /// an entry another worker reclaimed meanwhile, nor freshen one it has just released for a retry.
    /// KEYS: stream, then one job per entry. ARGV: group, consumer, then the entry ids. Returns the count kept.
    /// </summary>
    public static readonly JobScript KeepClaims = new("""
        local kept = 0
        for i = 2, #KEYS do
          local job = redis.call('HMGET', KEYS[i], 'status', 'worker')
          if job[1] == 'running' and job[2] == ARGV[2] then
            redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i + 1], 'JUSTID')
            kept = kept + 1
          end
        end
        return kept
        """);

    /// <summary>
    /// Stores a terminal outcome only if none is stored yet, announces it (and nudges the waiters and the job's
    /// live readers), then acknowledges and deletes the stream entry in the same step (so the work stream holds
    /// only unfinished jobs and never needs a length trim that could drop one).
    /// KEYS: job, finished, stream, dead letters, verdict counts, throughput bucket, events, latency bucket.
    /// ARGV: status, result json, now, id, entry id (or ''), group, max length of the side streams,
    ///       dead-letter reason (or ''), last error, verdict, result event json, the events' nudge channel.
    /// Returns 1 when stored, 0 when another outcome was already there.
    /// </summary>
    public static readonly JobScript Finish = new($$"""
        local status = redis.call('HGET', KEYS[1], 'status')
        local stored = 0
        if status and status ~= 'completed' and status ~= 'dead_lettered' then
          redis.call('HSET', KEYS[1], 'status', ARGV[1], 'result', ARGV[2], 'finishedAt', ARGV[3])
          redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*', 'id', ARGV[4])
          redis.call('HINCRBY', KEYS[5], ARGV[10], 1)
          redis.call('HINCRBY', KEYS[6], 'completed', 1)
          redis.call('EXPIRE', KEYS[6], 3600)
          local created = tonumber(redis.call('HGET', KEYS[1], 'createdAt') or '')
          if created then
            redis.call('LPUSH', KEYS[8], tonumber(ARGV[3]) - created)
            redis.call('LTRIM', KEYS[8], 0, 999)
            redis.call('EXPIRE', KEYS[8], 3600)
          end
          -- The result event goes under the newest attempt, which no earlier attempt can write after.
          local attempt = redis.call('HGET', KEYS[1], 'attempts') or '0'
          if redis.pcall('XADD', KEYS[7], attempt .. '-*', 'type', 'result', 'data', ARGV[11]) then
            local ttl = redis.call('TTL', KEYS[1])
            if ttl > 0 then redis.call('EXPIRE', KEYS[7], ttl) end
          end
          redis.call('PUBLISH', '{{FinishedChannel}}', '')
          redis.call('PUBLISH', ARGV[12], '')
          stored = 1
        end
        -- A malformed entry has no job hash, yet its dead letter must still be kept.
        if ARGV[8] ~= '' and (stored == 1 or not status) then
          redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', 'id', ARGV[4], 'reason', ARGV[8], 'error', ARGV[9],
            'attempts', redis.call('HGET', KEYS[1], 'attempts') or '0', 'worker', redis.call('HGET', KEYS[1], 'worker') or '',
            'entry', ARGV[5], 'stream', KEYS[3], 'at', ARGV[3])
        end
        if ARGV[5] ~= '' then
          redis.call('XACK', KEYS[3], ARGV[6], ARGV[5])
          redis.call('XDEL', KEYS[3], ARGV[5])
        end
        return stored
        """);

    /// <summary>
    /// Appends events with the ids the writer chose and nudges the job's readers. An id already stored (a retry
    /// after a lost reply) is refused by XADD and skipped, so a retried append is idempotent. With a minimum id,
    /// older entries (an earlier attempt's) are trimmed first.
    /// KEYS: events. ARGV: nudge channel, ttl seconds, minimum id (or ''), then id, type, data for each event.
    /// </summary>
    public static readonly JobScript AppendEvents = new("""
        if ARGV[3] ~= '' then redis.call('XTRIM', KEYS[1], 'MINID', ARGV[3]) end
        for i = 4, #ARGV, 3 do
          redis.pcall('XADD', KEYS[1], ARGV[i], 'type', ARGV[i + 1], 'data', ARGV[i + 2])
        end
        if ARGV[2] ~= '0' then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
        redis.call('PUBLISH', ARGV[1], '')
        return 1
        """);

    /// <summary>One input entry for a running interactive job. KEYS: stdin. ARGV: nudge channel, ttl seconds, type, data.</summary>
    public static readonly JobScript AppendInput = new("""
        redis.call('XADD', KEYS[1], '*', 'type', ARGV[3], 'data', ARGV[4])
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        redis.call('PUBLISH', ARGV[1], '')
        return 1
        """);

    private static string QueuedChannel => JobKeys.Nudge.Queued.ToString();
    private static string FinishedChannel => JobKeys.Nudge.Finished.ToString();
}
