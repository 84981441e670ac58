using Goxec.Redis;

namespace Goxec.Jobs;

/// <summary>
/// The job state machine lives in these scripts so each transition is one atomic step:
/// nothing can observe a job half-stored, and the first terminal result wins.
/// </summary>
public static class JobScripts
{
    /// <summary>
    /// Lua defining <c>reserve(set, cap, wanted)</c> over a caller's sorted set of unfinished job ids:
    /// returns true, or false and the unfinished count, and the Redis time (seconds) to score new ids with.
    /// An id whose job finished, or whose job was never stored within 30 s, is dropped, so the count
    /// heals itself and a crashed Api replica leaks nothing. Pruning reads every member's job, so it
    /// runs only when the set itself is over the cap: below it, even counting every member as unfinished
    /// there is room. A submission stays O(log n) however many jobs a caller has queued, and the
    /// pruning is bounded by the cap.
    /// </summary>
    public const string ReserveFunction = """
        local function reserve(set, cap, wanted)
          local now = tonumber(redis.call('TIME')[1])
          local active = redis.call('ZCARD', set)
          if active + wanted > cap then
            local members = redis.call('ZRANGE', set, 0, -1, 'WITHSCORES')
            active = 0
            for i = 1, #members, 2 do
              local status = redis.call('HGET', 'goxec:job:' .. members[i], 'status')
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
    /// One round trip per submission: with an idempotency key (KEYS[3], '' for none) already taken,
    /// nothing is stored and the earlier job's id is returned; else, with a caller's slot set (KEYS[4],
    /// '' for no cap), a slot under the cap is reserved or the submission refused; then the job hash is
    /// stored and its stream entry queued together, so a queued entry always has a job.
    /// KEYS: job, stream, idempotency key, slot set. ARGV: ttl seconds, id, schema version, traceparent,
    /// cap, slot set ttl seconds, then hash field/value pairs.
    /// Returns {job id, entry id or ''}, or {'', '', unfinished jobs} when the cap refused it.
    /// </summary>
    public static readonly RedisScript Enqueue = new(ReserveFunction + """
        if KEYS[3] ~= '' then
          local earlier = redis.call('GET', KEYS[3])
          if earlier then return {earlier, ''} end
        end
        if KEYS[4] ~= '' then
          local reserved, active, now = reserve(KEYS[4], tonumber(ARGV[5]), 1)
          if not reserved then return {'', '', active} end
          redis.call('ZADD', KEYS[4], now, ARGV[2])
          redis.call('EXPIRE', KEYS[4], ARGV[6])
        end
        if KEYS[3] ~= '' then redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[1]) end
        redis.call('HSET', KEYS[1], unpack(ARGV, 7))
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        return {ARGV[2], redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'v', ARGV[3], 'traceparent', ARGV[4])}
        """);

    /// <summary>
    /// Puts a dead-lettered job back in the queue as new: attempts and result cleared, a fresh entry.
    /// KEYS: job, stream, dead letters. ARGV: dead-letter entry id, traceparent.
    /// Returns the new entry id, or false when the job is gone or not dead-lettered.
    /// </summary>
    public static readonly RedisScript Retry = new("""
        if redis.call('HGET', KEYS[1], 'status') ~= 'dead_lettered' then return false end
        redis.call('HDEL', KEYS[1], 'result', 'finishedAt', 'startedAt', 'worker', 'lastError', 'failures')
        redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', 0)
        redis.call('XDEL', KEYS[3], ARGV[1])
        local id = redis.call('HGET', KEYS[1], 'id')
        return redis.call('XADD', KEYS[2], '*', 'id', id, 'v', '1', 'traceparent', ARGV[2])
        """);

    /// <summary>
    /// Marks a job running and counts the attempt. KEYS: job. ARGV: worker, now (unix ms).
    /// Returns {state, attempts}: state is "run", "done" (already terminal) or "gone" (expired or never stored).
    /// </summary>
    public static readonly RedisScript Start = new("""
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
    public static readonly RedisScript RecordFailure = new("""
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
    public static readonly RedisScript Release = new("""
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
    public static readonly RedisScript KeepClaims = new("""
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
    /// Stores a terminal outcome only if none is stored yet, announces it, then acknowledges and
    /// deletes the stream entry in the same step (so the work stream holds only unfinished jobs and
    /// never needs a length trim that could drop one).
    /// KEYS: job, finished, stream, dead letters, verdict counts, throughput bucket, events, latency bucket.
    /// ARGV: status, result json, now, id, entry id (or ''), group, max length of the side streams,
    ///       dead-letter reason (or ''), last error, verdict, result event json.
    /// Returns 1 when stored, 0 when another outcome was already there.
    /// </summary>
    public static readonly RedisScript Finish = new("""
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
}
