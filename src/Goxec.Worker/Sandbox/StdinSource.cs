using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Redis;

namespace Goxec.Worker.Sandbox;

/// <summary>What a stage's stdin gets: fixed bytes, or (interactive runs) what the user types, live.</summary>
public interface IStdinSource
{
    /// <summary>Feeds the stage until end of input; <paramref name="signal"/> delivers a requested signal.</summary>
    Task FeedAsync(IStdinTarget session, Func<string, Task> signal, CancellationToken ct);
}

/// <summary>A running stage's standard input, whichever driver runs it (an exec's attached stream, a process's pipe).</summary>
public interface IStdinTarget
{
    Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Ends the input: the program reads end of file.</summary>
    Task CloseStdinAsync(CancellationToken cancellationToken = default);
}

public sealed class FixedStdin(byte[] bytes) : IStdinSource
{
    public static readonly FixedStdin Empty = new([]);

    public async Task FeedAsync(IStdinTarget session, Func<string, Task> signal, CancellationToken ct)
    {
        if (bytes.Length > 0) await session.WriteStdinAsync(bytes, ct);
        await session.CloseStdinAsync(ct);
    }
}

/// <summary>
/// Follows the job's stdin stream in Redis (written by whichever Api replica holds the user's
/// socket) from its start, so input typed before the job started is not lost.
/// </summary>
public sealed class InteractiveStdin(IRedisClient redis, string jobId, byte[] initial) : IStdinSource
{
    public async Task FeedAsync(IStdinTarget session, Func<string, Task> signal, CancellationToken ct)
    {
        if (initial.Length > 0) await session.WriteStdinAsync(initial, ct);
        var last = "0-0";
        while (!ct.IsCancellationRequested)
        {
            var reply = await redis.ExecuteBlockingAsync(new RedisCommand("XREAD", "COUNT", 100, "BLOCK", 1000, "STREAMS", JobEvents.StdinKey(jobId), last), ct);
            foreach (var (_, entries) in StreamReplies.PerStream(reply))
            foreach (var entry in entries.AsArray())
            {
                last = entry.AsArray()[0].AsString()!;
                var fields = entry.AsArray()[1].AsMap();
                switch (fields["type"].AsString())
                {
                    case "stdin": await session.WriteStdinAsync(fields["data"].AsBytes(), ct); break;
                    case "eof": await session.CloseStdinAsync(ct); return;
                    case "signal": await signal(fields["data"].AsString()!); break;
                }
            }
        }
    }
}
