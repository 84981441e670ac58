using Goxec.Docker;
using Goxec.Jobs;

namespace Goxec.Worker.Sandbox;

/// <summary>What a stage's stdin gets: fixed bytes, or (interactive runs) what the user types, live.</summary>
public interface IStdinSource
{
    /// <summary>Feeds the session until end of input; <paramref name="signal"/> delivers a requested signal.</summary>
    Task FeedAsync(IExecSession session, Func<string, Task> signal, CancellationToken ct);
}

public sealed class FixedStdin(byte[] bytes) : IStdinSource
{
    public static readonly FixedStdin Empty = new([]);

    public async Task FeedAsync(IExecSession session, Func<string, Task> signal, CancellationToken ct)
    {
        if (bytes.Length > 0) await session.WriteStdinAsync(bytes, ct);
        await session.CloseStdinAsync(ct);
    }
}

/// <summary>
/// Follows the job's stdin stream in Redis (written by whichever Api replica holds the user's socket) from its
/// start, so input typed before the job started is not lost. Between reads it waits for the writer's nudge
/// (or <see cref="Poll"/>), holding no Redis connection of its own.
/// </summary>
public sealed class InteractiveStdin(JobEventLog log, Nudges nudges, string jobId, byte[] initial) : IStdinSource
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private const int Batch = 100;

    public async Task FeedAsync(IExecSession session, Func<string, Task> signal, CancellationToken ct)
    {
        await using var nudge = await nudges.ListenAsync(JobKeys.Nudge.Stdin(jobId));
        if (initial.Length > 0) await session.WriteStdinAsync(initial, ct);
        var last = "0-0";
        while (!ct.IsCancellationRequested)
        {
            var entries = await log.ReadInputAsync(jobId, last, Batch, ct);
            foreach (var entry in entries)
            {
                last = entry.Id;
                switch (entry.Type)
                {
                    case "stdin": await session.WriteStdinAsync(entry.Data, ct); break;
                    case "eof": await session.CloseStdinAsync(ct); return;
                    case "signal": await signal(System.Text.Encoding.UTF8.GetString(entry.Data)); break;
                }
            }
            if (entries.Count < Batch) await nudge.WaitAsync(Poll, ct);
        }
    }
}
