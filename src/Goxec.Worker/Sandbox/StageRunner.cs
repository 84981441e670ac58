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
    public async Task<StageResult> RunAsync(IReadOnlyList<string> argv, byte[] stdin, TimeSpan wallTime, CancellationToken cancellationToken)
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
            var feeding = FeedAsync(session, stdin, deadline.Token);
            try
            {
                while (await session.ReadFrameAsync(deadline.Token) is { } frame)
                {
                    var target = frame.Stream == OutputStream.Stderr ? stderr : stdout;
                    if (!target.TryAppend(frame.Data.Span))
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
            await feeding;
        }
        var wallMs = clock.ElapsedMilliseconds;

        var state = await docker.InspectExecAsync(execId, CancellationToken.None);
        var exitCode = state.Running ? null : state.ExitCode;
        return new StageResult(stdout.Text, stderr.Text, exitCode, SignalNames.FromExitCode(exitCode), wallMs,
            TimedOut: timedOut, OutputTruncated: stdout.Overflowed || stderr.Overflowed);
    }

    private static async Task FeedAsync(IExecSession session, byte[] stdin, CancellationToken ct)
    {
        try
        {
            if (stdin.Length > 0) await session.WriteStdinAsync(stdin, ct);
            await session.CloseStdinAsync(ct);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The program may exit without reading all its input; that is its business.
        }
    }

    private async Task KillAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await docker.KillContainerAsync(containerId, "SIGKILL", timeout.Token);
    }
}
