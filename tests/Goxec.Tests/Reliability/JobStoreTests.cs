using Goxec.Jobs;
using Goxec.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Goxec.Tests.Reliability;

/// <summary>The job state machine's atomic steps, against a real redis-server.</summary>
public sealed class JobStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;
    private IDatabase _db = null!;
    private JobStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await RedisServer.StartAsync(ct: Ct);
        _redis = await RedisConnections.ConnectAsync(_server.ConnectionString);
        _db = _redis.GetDatabase();
        _store = new JobStore(_redis, Options.Create(new JobStoreOptions()), TimeProvider.System);
        await new JobQueue(_redis).EnsureGroupAsync(Ct).WaitAsync(Timeout, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static JobSpec Spec(string id) => new(id, "python", [new SourceFile("main.py", "print(1)")], "", [], DateTimeOffset.UtcNow);

    private static JobResult Result(Verdict verdict, string worker = "w") =>
        new(verdict, null, new StageResult(verdict.ToString(), "", 0, null, 1), null, worker, 1);

    private async Task<string> DeliverAsync()
    {
        var entries = await new JobQueue(_redis).ReadAsync("w", 1, pendingOnly: false, Ct);
        return entries.Single().EntryId;
    }

    [Fact]
    public async Task The_first_terminal_result_wins_and_the_entry_is_acked_and_deleted()
    {
        await _store.EnqueueAsync(Spec("a1"), null, null, Ct).WaitAsync(Timeout, Ct);
        var entry = await DeliverAsync().WaitAsync(Timeout, Ct);
        await _store.StartAsync("a1", "w", Ct).WaitAsync(Timeout, Ct);

        Assert.True(await _store.CompleteAsync("a1", Result(Verdict.Accepted, "first"), entry, Ct).WaitAsync(Timeout, Ct));
        Assert.False(await _store.CompleteAsync("a1", Result(Verdict.RuntimeError, "second"), entry, Ct).WaitAsync(Timeout, Ct));

        var job = await _store.GetAsync("a1", Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(JobStatus.Completed, job!.Status);
        Assert.Equal(Verdict.Accepted, job.Verdict);
        Assert.Equal("Accepted", job.Run!.Stdout); // the first result's output, not the second's
        Assert.Equal(0, await _db.StreamLengthAsync(JobKeys.Stream));
        Assert.Equal(0, (await _db.StreamPendingAsync(JobKeys.Stream, JobKeys.Group)).PendingMessageCount);
        Assert.Equal(1, await _db.StreamLengthAsync(JobKeys.Finished));
    }

    [Fact]
    public async Task A_finished_job_is_not_started_again_and_attempts_are_counted()
    {
        await _store.EnqueueAsync(Spec("b1"), null, null, Ct).WaitAsync(Timeout, Ct);

        Assert.Equal((StartOutcome.Run, 1), await _store.StartAsync("b1", "w", Ct).WaitAsync(Timeout, Ct));
        Assert.Equal((StartOutcome.Run, 2), await _store.StartAsync("b1", "w", Ct).WaitAsync(Timeout, Ct));
        await _store.CompleteAsync("b1", Result(Verdict.Accepted), null, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(StartOutcome.AlreadyFinished, (await _store.StartAsync("b1", "w", Ct).WaitAsync(Timeout, Ct)).Outcome);
        Assert.Equal(StartOutcome.Gone, (await _store.StartAsync("never", "w", Ct).WaitAsync(Timeout, Ct)).Outcome);
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_first_job()
    {
        var first = await _store.EnqueueAsync(Spec("c1"), null, "key-1", Ct).WaitAsync(Timeout, Ct);
        var again = await _store.EnqueueAsync(Spec("c2"), null, "key-1", Ct).WaitAsync(Timeout, Ct);
        var other = await _store.EnqueueAsync(Spec("c3"), null, "key-2", Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(new Enqueued("c1", true), first);
        Assert.Equal(new Enqueued("c1", false), again);
        Assert.Equal(new Enqueued("c3", true), other);
        Assert.Null(await _store.GetAsync("c2", Ct).WaitAsync(Timeout, Ct));
        Assert.Equal(2, await _db.StreamLengthAsync(JobKeys.Stream));
    }

    [Fact]
    public async Task The_cap_refuses_a_submission_over_it_and_stores_nothing()
    {
        var cap = new SlotCap("t", 2);
        Assert.True((await _store.EnqueueAsync(Spec("e1"), null, null, cap, rate: null, Ct).WaitAsync(Timeout, Ct)).IsNew);
        Assert.True((await _store.EnqueueAsync(Spec("e2"), null, null, cap, rate: null, Ct).WaitAsync(Timeout, Ct)).IsNew);

        var refused = await _store.EnqueueAsync(Spec("e3"), null, "key-e3", cap, rate: null, Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(new Enqueued("", IsNew: false, Refused: true, Unfinished: 2), refused);
        Assert.Null(await _store.GetAsync("e3", Ct).WaitAsync(Timeout, Ct));
        Assert.Equal(2, await _db.StreamLengthAsync(JobKeys.Stream));
        // A refused key is not taken: the same submission succeeds once there is room.
        Assert.Equal(0, (await _db.KeyExistsAsync(JobKeys.Idempotency("key-e3")) ? 1 : 0));
    }

    [Fact]
    public async Task Finished_jobs_give_their_slots_back_and_a_repeat_takes_none()
    {
        var cap = new SlotCap("u", 2);
        await _store.EnqueueAsync(Spec("f1"), null, "key-f1", cap, rate: null, Ct).WaitAsync(Timeout, Ct);
        await _store.EnqueueAsync(Spec("f2"), null, null, cap, rate: null, Ct).WaitAsync(Timeout, Ct);
        await _store.CompleteAsync("f1", Result(Verdict.Accepted), null, Ct).WaitAsync(Timeout, Ct);

        // At the cap with one finished: pruned, so there is room; the repeat of f1's key takes no slot.
        Assert.Equal(new Enqueued("f1", false), await _store.EnqueueAsync(Spec("f9"), null, "key-f1", cap, rate: null, Ct).WaitAsync(Timeout, Ct));
        Assert.True((await _store.EnqueueAsync(Spec("f3"), null, null, cap, rate: null, Ct).WaitAsync(Timeout, Ct)).IsNew);
        Assert.True((await _store.EnqueueAsync(Spec("f4"), null, null, cap, rate: null, Ct).WaitAsync(Timeout, Ct)).Refused);
        var members = (await _db.SortedSetRangeByRankAsync(JobKeys.Slots("u"))).Select(m => (string?)m).Order();
        Assert.Equal(["f2", "f3"], members);
    }

    [Fact]
    public async Task A_dead_letter_records_why_and_can_be_retried_as_new()
    {
        await _store.EnqueueAsync(Spec("d1"), null, null, Ct).WaitAsync(Timeout, Ct);
        var entry = await DeliverAsync().WaitAsync(Timeout, Ct);
        await _store.StartAsync("d1", "w", Ct).WaitAsync(Timeout, Ct);
        await _store.DeadLetterAsync("d1", Result(Verdict.InternalError), entry, "too_many_attempts", "image missing", Ct).WaitAsync(Timeout, Ct);

        var dead = (await new JobQueue(_redis).DeadLettersAsync(null, Ct)).Single();
        Assert.Equal("d1", dead.Id);
        Assert.Equal("too_many_attempts", dead.Reason);
        Assert.Equal("image missing", dead.Error);
        Assert.Equal(1, dead.Attempts);
        Assert.Equal(JobStatus.DeadLettered, (await _store.GetAsync("d1", Ct))!.Status);

        Assert.True(await _store.RetryDeadLetterAsync("d1", dead.EntryId, null, Ct).WaitAsync(Timeout, Ct));
        var retried = await _store.GetAsync("d1", Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(JobStatus.Queued, retried!.Status);
        Assert.Equal(0, retried.Attempts);
        Assert.Null(retried.Verdict);
        Assert.Equal(0, await _db.StreamLengthAsync(JobKeys.DeadLetters));
        Assert.Equal(1, await _db.StreamLengthAsync(JobKeys.Stream));
        Assert.False(await _store.RetryDeadLetterAsync("d1", dead.EntryId, null, Ct).WaitAsync(Timeout, Ct));
    }

    [Fact]
    public async Task A_late_failure_of_an_old_attempt_leaves_a_job_finished_by_another_attempt_completed()
    {
        await _store.EnqueueAsync(Spec("e1"), null, null, Ct).WaitAsync(Timeout, Ct);
        var entry = await DeliverAsync().WaitAsync(Timeout, Ct);
        Assert.Equal((StartOutcome.Run, 1), await _store.StartAsync("e1", "cut-off", Ct).WaitAsync(Timeout, Ct));
        // The cut-off worker's entry is reclaimed by another, which runs and finishes the job.
        Assert.Equal((StartOutcome.Run, 2), await _store.StartAsync("e1", "other", Ct).WaitAsync(Timeout, Ct));
        Assert.True(await _store.CompleteAsync("e1", Result(Verdict.Accepted, "other"), entry, Ct).WaitAsync(Timeout, Ct));

        // The link comes back and the first attempt's failure record (a Redis timeout) finally arrives.
        Assert.Null(await _store.RecordFailureAsync("e1", "cut-off", 1, "timed out", Ct).WaitAsync(Timeout, Ct));
        Assert.False(await _store.ReleaseAsync("e1", entry, "cut-off", 1, TimeSpan.Zero, Ct).WaitAsync(Timeout, Ct));

        var job = await _store.GetAsync("e1", Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(JobStatus.Completed, job!.Status);
        Assert.Equal(Verdict.Accepted, job.Verdict);
        Assert.Equal("other", job.Worker);
        Assert.Equal(2, job.Attempts);
        Assert.True((await _db.HashGetAsync(JobKeys.Job("e1"), "failures")).IsNull);
        Assert.Equal(0, (await _db.StreamPendingAsync(JobKeys.Stream, JobKeys.Group)).PendingMessageCount);
    }

    [Fact]
    public async Task Only_the_current_attempt_counts_a_failure_and_releases_the_entry()
    {
        await _store.EnqueueAsync(Spec("f1"), null, null, Ct).WaitAsync(Timeout, Ct);
        var entry = await DeliverAsync().WaitAsync(Timeout, Ct); // owned by consumer "w"
        await _store.StartAsync("f1", "w", Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(1, await _store.RecordFailureAsync("f1", "w", 1, "docker hiccup", Ct).WaitAsync(Timeout, Ct));
        Assert.Equal(JobStatus.Queued, (await _store.GetAsync("f1", Ct).WaitAsync(Timeout, Ct))!.Status);
        Assert.True(await _store.ReleaseAsync("f1", entry, "w", 1, TimeSpan.FromMinutes(5), Ct).WaitAsync(Timeout, Ct));
        Assert.True(await PendingIdleAsync(entry) >= TimeSpan.FromMinutes(5).TotalMilliseconds);

        // Another worker takes the entry over and starts attempt 2; the first attempt's writes are stale now.
        await _db.ExecuteAsync("XCLAIM", JobKeys.Stream, JobKeys.Group, "next", 0, entry, "JUSTID").WaitAsync(Timeout, Ct);
        Assert.Equal((StartOutcome.Run, 2), await _store.StartAsync("f1", "next", Ct).WaitAsync(Timeout, Ct));
        Assert.Null(await _store.RecordFailureAsync("f1", "w", 1, "late", Ct).WaitAsync(Timeout, Ct));
        Assert.False(await _store.ReleaseAsync("f1", entry, "w", 1, TimeSpan.Zero, Ct).WaitAsync(Timeout, Ct));

        var job = await _store.GetAsync("f1", Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(JobStatus.Running, job!.Status);
        Assert.Equal("next", job.Worker);
        Assert.Equal("1", (string?)await _db.HashGetAsync(JobKeys.Job("f1"), "failures"));
        Assert.Equal("next", await PendingOwnerAsync(entry));
    }

    [Fact]
    public async Task The_heartbeat_keeps_only_the_claims_of_jobs_the_worker_still_runs()
    {
        await _store.EnqueueAsync(Spec("g1"), null, null, Ct).WaitAsync(Timeout, Ct);
        var entry = await DeliverAsync().WaitAsync(Timeout, Ct); // owned by consumer "w"
        await _store.StartAsync("g1", "w", Ct).WaitAsync(Timeout, Ct);
        await _db.ExecuteAsync("XCLAIM", JobKeys.Stream, JobKeys.Group, "w", 0, entry, "IDLE", 60_000, "JUSTID").WaitAsync(Timeout, Ct);

        Assert.Equal(1, await _store.KeepClaimsAsync("w", [new(entry, "g1")], Ct).WaitAsync(Timeout, Ct));
        Assert.True(await PendingIdleAsync(entry) < 60_000);

        // "w" was cut off; "next" reclaimed the entry and runs the job. w's heartbeat must not take it back.
        await _db.ExecuteAsync("XCLAIM", JobKeys.Stream, JobKeys.Group, "next", 0, entry, "JUSTID").WaitAsync(Timeout, Ct);
        await _store.StartAsync("g1", "next", Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(0, await _store.KeepClaimsAsync("w", [new(entry, "g1")], Ct).WaitAsync(Timeout, Ct));
        Assert.Equal("next", await PendingOwnerAsync(entry));
    }

    private async Task<long> PendingIdleAsync(string entry) =>
        (await PendingAsync(entry)).IdleTimeInMilliseconds;

    private async Task<string?> PendingOwnerAsync(string entry) =>
        (await PendingAsync(entry)).ConsumerName;

    private async Task<StreamPendingMessageInfo> PendingAsync(string entry) =>
        (await _db.StreamPendingMessagesAsync(JobKeys.Stream, JobKeys.Group, 1, RedisValue.Null, entry, entry).WaitAsync(Timeout, Ct)).Single();
}
