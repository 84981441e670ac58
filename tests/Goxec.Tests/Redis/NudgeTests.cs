using Goxec.Jobs;
using Goxec.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Goxec.Tests.Redis;

/// <summary>
/// How readers wait without holding a connection, against a real redis-server: the nudges carry what was written (a
/// small batch of events, a finished job's id) so a reader needs no read of its own, anything else tells it to read,
/// and the worker's one blocking read waits on a connection of its own while the shared one goes on.
/// </summary>
public sealed class NudgeTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Never = TimeSpan.FromMinutes(5);
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;
    private JobStore _store = null!;
    private JobEventLog _log = null!;
    private Nudges _nudges = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await RedisServer.StartAsync(ct: Ct);
        _redis = await RedisConnections.ConnectAsync(_server.ConnectionString);
        _store = new JobStore(_redis, Options.Create(new JobStoreOptions()), TimeProvider.System);
        _log = new JobEventLog(_redis);
        _nudges = new Nudges(_redis);
        await new JobQueue(_redis).EnsureGroupAsync(Ct).WaitAsync(Timeout, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static JobSpec Spec(string id) => new(id, "python", [new SourceFile("main.py", "print(1)")], "", [], DateTimeOffset.UtcNow);

    [Fact]
    public async Task An_events_nudge_carries_a_small_batch_and_a_reader_takes_only_what_follows_what_it_has()
    {
        await using var nudge = await _nudges.ListenAsync(JobKeys.Nudge.Events("e1")).WaitAsync(Timeout, Ct);
        await _log.AppendAsync("e1", [new JobEvent("1-0", JobEvents.Status, "{}"), new JobEvent("1-1", JobEvents.Stdout, "héllo\n\"/\\")], Timeout, "1-0", Ct)
            .WaitAsync(Timeout, Ct);

        var next = await nudge.NextAsync(Never, Ct).AsTask().WaitAsync(Timeout, Ct);
        Assert.True(next.Woken);
        // Right after the attempt's start (0-max), both follow; the text comes through JSON unchanged.
        Assert.Equal([new JobEvent("1-0", JobEvents.Status, "{}"), new JobEvent("1-1", JobEvents.Stdout, "héllo\n\"/\\")],
            JobEventLog.Following(next.Payload, $"0-{ulong.MaxValue}"));
        // After 1-0 only 1-1 is new; after 1-1 nothing is; from 0-0 there may be entries between (0-1…): read instead.
        Assert.Equal([new JobEvent("1-1", JobEvents.Stdout, "héllo\n\"/\\")], JobEventLog.Following(next.Payload, "1-0"));
        Assert.Empty(JobEventLog.Following(next.Payload, "1-1")!);
        Assert.Null(JobEventLog.Following(next.Payload, "0-0"));

        // A gap (1-2 never seen) is never papered over.
        await _log.AppendAsync("e1", [new JobEvent("1-3", JobEvents.Stdout, "later\n")], null, null, Ct).WaitAsync(Timeout, Ct);
        Assert.Null(JobEventLog.Following((await nudge.NextAsync(Never, Ct).AsTask().WaitAsync(Timeout, Ct)).Payload, "1-1"));
    }

    [Fact]
    public async Task A_batch_too_large_or_a_retried_append_sends_an_empty_nudge_so_the_reader_reads()
    {
        await using var nudge = await _nudges.ListenAsync(JobKeys.Nudge.Events("e2")).WaitAsync(Timeout, Ct);
        var large = new string('x', JobKeys.Nudge.MaxCarriedBytes + 1);
        await _log.AppendAsync("e2", [new JobEvent("1-1", JobEvents.Stdout, large)], Timeout, null, Ct).WaitAsync(Timeout, Ct);
        var first = await nudge.NextAsync(Never, Ct).AsTask().WaitAsync(Timeout, Ct);
        Assert.True(first.Woken);
        Assert.True(first.Payload.IsNullOrEmpty);

        // The same ids again (a retry after a lost reply): nothing added, nothing carried.
        await _log.AppendAsync("e2", [new JobEvent("1-1", JobEvents.Stdout, "x")], Timeout, null, Ct).WaitAsync(Timeout, Ct);
        var retried = await nudge.NextAsync(Never, Ct).AsTask().WaitAsync(Timeout, Ct);
        Assert.True(retried.Woken);
        Assert.Null(JobEventLog.Following(retried.Payload, "1-0"));
        Assert.Equal(large, (await _log.ReadAsync("e2", "0-0", 10, Ct).WaitAsync(Timeout, Ct)).Single().Data);
    }

    [Fact]
    public async Task A_finish_nudges_the_waiters_with_the_job_id_and_the_live_readers_with_the_result_event()
    {
        await _store.EnqueueAsync(Spec("f1"), null, null, Ct).WaitAsync(Timeout, Ct);
        await _store.StartAsync("f1", "w", Ct).WaitAsync(Timeout, Ct);
        await _log.AppendAsync("f1", [new JobEvent("1-0", JobEvents.Status, "{}")], Timeout, "1-0", Ct).WaitAsync(Timeout, Ct);
        await using var finished = await _nudges.ListenAsync(JobKeys.Nudge.Finished).WaitAsync(Timeout, Ct);
        await using var events = await _nudges.ListenAsync(JobKeys.Nudge.Events("f1")).WaitAsync(Timeout, Ct);

        Assert.True(await _store.CompleteAsync("f1", new JobResult(Verdict.Accepted, null, new StageResult("1\n", "", 0, null, 1), null, "w", 1), null, Ct)
            .WaitAsync(Timeout, Ct));

        Assert.Equal("f1", (string?)(await finished.NextAsync(Never, Ct).AsTask().WaitAsync(Timeout, Ct)).Payload);
        var result = Assert.Single(JobEventLog.Following((await events.NextAsync(Never, Ct).AsTask().WaitAsync(Timeout, Ct)).Payload, "1-0")!);
        Assert.Equal(("1-1", JobEvents.Result), (result.Id, result.Type));
        Assert.Contains("\"completed\"", result.Data);
    }

    [Fact]
    public async Task A_restored_connection_tells_every_listener_to_read()
    {
        await using var nudge = await _nudges.ListenAsync(JobKeys.Nudge.Events("r1")).WaitAsync(Timeout, Ct);
        var waiting = nudge.NextAsync(Never, Ct).AsTask();
        // Another client cuts this process's connections, as a network failure or a Redis restart would.
        await using var admin = await RedisConnections.ConnectAsync(_server.ConnectionString, "goxec-test-admin");
        var server = admin.GetServers()[0];
        foreach (var client in (await server.ClientListAsync().WaitAsync(Timeout, Ct)).Where(c => c.Name == "goxec-test"))
            await server.ClientKillAsync(client.Id).WaitAsync(Timeout, Ct);

        var next = await waiting.WaitAsync(Timeout, Ct);
        Assert.True(next.Woken);
        Assert.True(next.Payload.IsNullOrEmpty);
    }

    [Fact]
    public async Task The_worker_waits_for_new_jobs_on_a_connection_of_its_own_and_gets_one_as_it_is_queued()
    {
        var queue = new JobQueue(_redis);
        await using var _ = queue;
        var waiting = queue.WaitForNewAsync("w1", 5, TimeSpan.FromMinutes(1));
        var db = _redis.GetDatabase();
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            deadline.CancelAfter(Timeout);
            while (!(await _redis.GetServers()[0].ClientListAsync().WaitAsync(Timeout, Ct))
                       .Any(c => c.Name == "goxec-test:queue" && c.LastCommand == "xreadgroup"))
                await Task.Delay(50, deadline.Token);
        }
        // The shared connection is not held up by the blocked read.
        await db.PingAsync().WaitAsync(Timeout, Ct);
        Assert.False(waiting.IsCompleted);

        await _store.EnqueueAsync(Spec("q1"), null, null, Ct).WaitAsync(Timeout, Ct);
        var entry = Assert.Single(await waiting.WaitAsync(Timeout, Ct));
        Assert.Equal("q1", entry.Field("id"));
        Assert.Equal(1, (await db.StreamPendingAsync(JobKeys.Stream, JobKeys.Group).WaitAsync(Timeout, Ct)).PendingMessageCount);
    }
}
