using System.Diagnostics;
using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Worker.Sandbox.Cgroups;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Runs one stage as an exec in the job's container. Limits are enforced twice, so neither is the
/// only line: per process by rlimits set through prlimit before the program starts (CPU, file size,
/// open files, core), and for the whole stage by the host, which samples the cgroup's CPU time and
/// stops the container on overrun, as it does on wall time and on output past the cap. The program
/// cannot raise an rlimit (no CAP_SYS_RESOURCE) nor touch the host's clock or the cgroup files.
/// </summary>
/// <param name="cgroup">The container's cgroup; null when this host has none to read (<paramref name="missingCgroup"/> says why).</param>
internal sealed class StageRunner(IDockerClient docker, string containerId, SandboxOptions options, Cgroup? cgroup, string missingCgroup = "")
{
    public async Task<StageResult> RunAsync(string stage, IReadOnlyList<string> argv, IStdinSource stdin, StageLimits limits, IJobEvents? events,
        CancellationToken cancellationToken, bool mergeStderr = false)
    {
        // The soft CPU rlimit sits a second above the limit: the host normally stops the stage first,
        // at millisecond precision and for all its processes together; the rlimit is the backstop.
        var cpuSeconds = (limits.CpuTimeMs + 999) / 1000 + 1;
        var fileBytes = limits.MaxFileSizeKb * 1024L;
        string[] wrapped =
        [
            options.Prlimit, $"--cpu={cpuSeconds}:{cpuSeconds + 1}", $"--fsize={fileBytes}:{fileBytes}",
            $"--nofile={options.MaxOpenFiles}:{options.MaxOpenFiles}", "--core=0:0", "--", .. argv,
        ];
        // One pipe for both streams, so stderr lands in stdout in the order it was written (merging two pipes
        // after the fact cannot know that order). The program's words are "$@", never parsed by the shell.
        if (mergeStderr) wrapped = ["sh", "-c", "exec \"$@\" 2>&1", "sh", .. wrapped];

        using var usage = cgroup?.BeginStage();
        var exec = new Exec(limits.MaxOutputBytes);
        using var stopWatching = new CancellationTokenSource();
        var watching = usage?.CpuMs is not null ? WatchCpuAsync(exec, usage, limits.CpuTimeMs, stopWatching.Token) : Task.CompletedTask;
        try
        {
            await RunExecAsync(exec, wrapped, stdin, TimeSpan.FromMilliseconds(limits.WallTimeMs), events, cancellationToken);
        }
        finally
        {
            await stopWatching.CancelAsync();
        }
        await watching;
        // After a kill the cgroup may be gone already; then the watcher's last sample stands.
        var result = Measure(exec, usage?.Finish() ?? StageUsage.Unmeasured(missingCgroup), limits);
        events?.StageExit(stage, result);
        return result;
    }

    /// <summary>An exec of our own (delivering files, reaping stragglers): the wall time only, no rlimits.</summary>
    public async Task<(int? ExitCode, string Stderr)> RunToolAsync(IReadOnlyList<string> argv, byte[] stdin, TimeSpan wallTime, CancellationToken cancellationToken)
    {
        var exec = new Exec(64 * 1024);
        await RunExecAsync(exec, argv, new FixedStdin(stdin), wallTime, null, cancellationToken);
        return (exec.KilledFor is null ? exec.ExitCode : null, exec.Stderr.Text);
    }

    private static StageResult Measure(Exec exec, StageUsage usage, StageLimits limits)
    {
        var cpuMs = usage.CpuMs;
        var signal = SignalNames.FromExitCode(exec.ExitCode);
        var exceeded = exec.KilledFor;
        if (exceeded == StageLimit.Wall && cpuMs >= limits.CpuTimeMs) exceeded = StageLimit.Cpu;
        // Ended by the CPU rlimit (SIGXCPU at the soft limit, SIGKILL at the hard one) before the host saw it.
        exceeded ??= signal == "SIGXCPU" || (signal == "SIGKILL" && cpuMs >= limits.CpuTimeMs) ? StageLimit.Cpu : null;
        // The kernel's OOM killer acted in this stage, or an allocation met the limit and the program died of it.
        exceeded ??= exec.ExitCode != 0 && (usage.OomKilled || usage.MemoryLimitHit) ? StageLimit.Memory : null;
        var (stdout, stdoutEncoding) = exec.Stdout.Encoded();
        var (stderr, stderrEncoding) = exec.Stderr.Encoded();
        return new StageResult(stdout, stderr, exec.ExitCode, signal, exec.WallMs,
            TimedOut: exceeded is StageLimit.Cpu or StageLimit.Wall,
            OutputTruncated: exec.Stdout.Overflowed || exec.Stderr.Overflowed,
            CpuTimeMs: cpuMs, MemoryKb: usage.PeakKb, LimitExceeded: exceeded,
            StdoutEncoding: stdoutEncoding, StderrEncoding: stderrEncoding, MeasurementNotes: usage.Notes);
    }

    /// <summary>Samples the cgroup until stopped; stops the container once the stage's CPU time passes the limit.</summary>
    private async Task WatchCpuAsync(Exec exec, CgroupStage usage, int cpuLimitMs, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.SampleInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (usage.Sample() > cpuLimitMs)
                {
                    await KillAsync(exec, StageLimit.Cpu);
                    break;
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task RunExecAsync(Exec exec, IReadOnlyList<string> argv, IStdinSource stdin, TimeSpan wallTime, IJobEvents? events,
        CancellationToken cancellationToken)
    {
        var execId = await docker.CreateExecAsync(containerId, new ExecCreateRequest
        {
            Cmd = argv,
            AttachStdin = true,
            User = options.User,
            WorkingDir = options.WorkDir,
        }, cancellationToken);

        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wallTime);
        await using (var session = await docker.StartExecAsync(execId, cancellationToken))
        {
            // Input stops with the process: a live (interactive) feeder would otherwise wait for input forever.
            using var inputDone = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            var feeding = FeedAsync(session, stdin, inputDone.Token);
            try
            {
                while (await session.ReadFrameAsync(deadline.Token) is { } frame)
                {
                    var target = frame.Stream == OutputStream.Stderr ? exec.Stderr : exec.Stdout;
                    var before = target.Length;
                    var fits = target.TryAppend(frame.Data.Span);
                    events?.Output(frame.Stream, frame.Data.Span[..(target.Length - before)]);
                    if (!fits)
                    {
                        await KillAsync(exec, StageLimit.Output);
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await KillAsync(exec, StageLimit.Wall);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException && exec.KilledFor is not null)
            {
                // The watcher killed the container under our feet; the stream ends abruptly. Expected.
            }
            await inputDone.CancelAsync();
            await feeding;
        }
        exec.WallMs = clock.ElapsedMilliseconds;
        var state = await docker.InspectExecAsync(execId, CancellationToken.None);
        exec.ExitCode = state.Running ? null : state.ExitCode;
    }

    private async Task FeedAsync(IExecSession session, IStdinSource stdin, CancellationToken ct)
    {
        try
        {
            await stdin.FeedAsync(session, signal => SignalAsync(signal, ct), ct);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException
                                       or StackExchange.Redis.RedisConnectionException)
        {
            // The program may exit without reading all its input; that is its business.
        }
    }

    /// <summary>
    /// A signal the user asked for (interactive runs) goes to every process of the sandbox user, which cannot
    /// reach the container's root-owned idle process. SIGKILL too: killing the container instead would look like
    /// an outside kill and retry the job. Until the program exists (a signal sent before it started) kill finds
    /// no process, so it is tried again until it lands or the stage's input ends (<paramref name="stageInput"/>):
    /// a fixed retry window lost signals whenever the program took longer than that to start (seen under load).
    /// </summary>
    private async Task SignalAsync(string signal, CancellationToken stageInput)
    {
        if (!JobEvents.UserSignals.Contains(signal)) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stageInput);
        timeout.CancelAfter(MaxSignalWait);
        // Inside the container the loop is bounded too, in case this side is gone before it ends.
        var tries = (int)(MaxSignalWait.TotalMilliseconds / 50);
        var script = $"i=0; while [ $i -lt {tries} ]; do kill -s {signal[3..]} -- -1 2>/dev/null && exit 0; sleep 0.05; i=$((i+1)); done; exit 1";
        var exec = await docker.CreateExecAsync(containerId, new ExecCreateRequest { Cmd = ["sh", "-c", script], User = options.User }, timeout.Token);
        await using var session = await docker.StartExecAsync(exec, timeout.Token);
        while (await session.ReadFrameAsync(timeout.Token) is not null) { }
    }

    private static readonly TimeSpan MaxSignalWait = TimeSpan.FromSeconds(60);

    /// <summary>Stops the whole container: the stage is over, and no process of it may outlive that. The first reason wins.</summary>
    private async Task KillAsync(Exec exec, string reason)
    {
        if (!exec.TryMarkKilled(reason)) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await docker.KillContainerAsync(containerId, "SIGKILL", timeout.Token);
    }

    /// <summary>What one exec produced. Shared by the reader and the CPU watcher.</summary>
    private sealed class Exec(int cap)
    {
        public readonly CappedBuffer Stdout = new(cap);
        public readonly CappedBuffer Stderr = new(cap);
        private string? _killedFor;
        public string? KilledFor => Volatile.Read(ref _killedFor);
        public bool TryMarkKilled(string reason) => Interlocked.CompareExchange(ref _killedFor, reason, null) is null;
        public int? ExitCode;
        public long WallMs;
    }
}
