using System.Diagnostics;
using Goxec.Docker;
using Goxec.Jobs;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Runs one stage as an exec in the job's container: feeds stdin, collects stdout and stderr up to
/// the cap, and enforces the wall time. A stage that overruns is stopped by killing the whole
/// container — the job is over anyway, and no process of it may outlive that.
/// </summary>
internal sealed class StageRunner(IDockerClient docker, string containerId, SandboxOptions limits)
{
    public async Task<StageResult> RunAsync(string stage, IReadOnlyList<string> argv, IStdinSource stdin, TimeSpan wallTime, IJobEvents? events, CancellationToken cancellationToken)
    {
        var execId = await docker.CreateExecAsync(containerId, new ExecCreateRequest
        {
            Cmd = argv,
            AttachStdin = true,
            User = limits.User,
            WorkingDir = limits.WorkDir,
        }, cancellationToken);

        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wallTime);
        var stdout = new CappedBuffer(limits.MaxOutputBytes);
        var stderr = new CappedBuffer(limits.MaxOutputBytes);
        var timedOut = false;

        await using (var session = await docker.StartExecAsync(execId, cancellationToken))
        {
            // Input stops with the process: a live (interactive) feeder would otherwise wait for input forever.
            using var inputDone = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            var feeding = FeedAsync(session, stdin, inputDone.Token);
            try
            {
                while (await session.ReadFrameAsync(deadline.Token) is { } frame)
                {
                    var target = frame.Stream == OutputStream.Stderr ? stderr : stdout;
                    var before = target.Length;
                    var fits = target.TryAppend(frame.Data.Span);
                    events?.Output(frame.Stream, frame.Data.Span[..(target.Length - before)]);
                    if (!fits)
                    {
                        await KillAsync();
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                timedOut = true;
                await KillAsync();
            }
            await inputDone.CancelAsync();
            await feeding;
        }
        var wallMs = clock.ElapsedMilliseconds;

        var state = await docker.InspectExecAsync(execId, CancellationToken.None);
        var exitCode = state.Running ? null : state.ExitCode;
        var result = new StageResult(stdout.Text, stderr.Text, exitCode, SignalNames.FromExitCode(exitCode), wallMs,
            TimedOut: timedOut, OutputTruncated: stdout.Overflowed || stderr.Overflowed);
        events?.StageExit(stage, result);
        return result;
    }

    private async Task FeedAsync(IExecSession session, IStdinSource stdin, CancellationToken ct)
    {
        try
        {
            await stdin.FeedAsync(session, SignalAsync, ct);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException
                                       or Goxec.Redis.RedisConnectionException)
        {
            // The program may exit without reading all its input; that is its business.
        }
    }

    /// <summary>
    /// SIGKILL ends the job (the container goes). SIGINT/SIGTERM reach every process of the sandbox
    /// user but the container's idle main process, which ignores them (see ContainerSpecFactory).
    /// </summary>
    private async Task SignalAsync(string signal)
    {
        if (signal == "SIGKILL") { await KillAsync(); return; }
        if (signal is not ("SIGINT" or "SIGTERM")) return;
        var exec = await docker.CreateExecAsync(containerId, new ExecCreateRequest
        {
            Cmd = ["sh", "-c", $"kill -s {signal[3..]} -1"], User = limits.User,
        });
        await using var session = await docker.StartExecAsync(exec);
        while (await session.ReadFrameAsync() is not null) { }
    }

    private async Task KillAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await docker.KillContainerAsync(containerId, "SIGKILL", timeout.Token);
    }
}
