using System.Diagnostics;
using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Worker.Sandbox.Cgroups;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// Runs one stage in a fresh sandbox and waits for it, enforcing its limits from the host exactly as the
/// container driver does: the wall clock, the cgroup's CPU time (sampled), and the output caps stop the
/// whole stage — every process in its cgroup — and the cgroup's counters are the measurements. Per process,
/// prlimit's rlimits are the backstop inside.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
/// <param name="usage">The stage group as the metering reads it; null when this host cannot (the stage then runs unmeasured, as on the container driver).</param>
internal sealed class NamespaceStage(ProcessSpawner spawner, NamespaceOptions tools, SandboxOptions options, StageCgroup cgroup, Cgroup? usage)
{
    private const int ReadBuffer = 16 * 1024;

    /// <summary>How long the host waits for a stopped stage's last processes to go before it gives up on its cgroup.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    /// <param name="Result">The stage as the user sees it.</param>
    /// <param name="Packed">A compile stage's work dir reached its output file.</param>
    public sealed record Outcome(StageResult Result, bool Packed);

    public async Task<Outcome> RunAsync(string stage, SandboxCommand.Stage command, IStdinSource stdin, StageLimits limits, IJobEvents? events,
        CancellationToken cancellationToken)
    {
        var run = new Run(limits.MaxOutputBytes);
        using var measuring = usage?.BeginStage();
        var clock = Stopwatch.StartNew();
        using var process = await spawner.StartAsync(SandboxCommand.Build(tools, options, command));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limits.WallTimeMs);
        using var inputDone = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        using var stopWatching = new CancellationTokenSource();
        var stdout = ReadAsync(process.StandardOutput.BaseStream, run.Stdout, OutputStream.Stdout, run, events);
        var stderr = ReadAsync(process.StandardError.BaseStream, run.Stderr, OutputStream.Stderr, run, events);
        var feeding = FeedAsync(process, command.Markers, stdin, inputDone.Token);
        var watching = measuring?.CpuMs is not null ? WatchCpuAsync(run, measuring, limits.CpuTimeMs, stopWatching.Token) : Task.CompletedTask;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await KillAsync(run, StageLimit.Wall);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(run, "cancelled");
            throw;
        }
        finally
        {
            // Whatever the stage left behind (a compile's background process) ends with it.
            await cgroup.KillAllAsync(KillWait);
            await process.WaitForExitAsync(CancellationToken.None);
            await inputDone.CancelAsync();
            await stopWatching.CancelAsync();
            await Task.WhenAll(stdout, stderr, feeding, watching);
        }
        var wallMs = clock.ElapsedMilliseconds;
        var markers = ReadMarkers(command.Markers);
        var exitCode = run.KilledFor is null ? process.ExitCode : SignalExit(process.ExitCode);
        if (!markers.Contains(SandboxCommand.Unpacked) && run.KilledFor is null)
            throw new SandboxException($"The sandbox did not start (exit {process.ExitCode}): {run.Stderr.Text.Trim()}");
        var result = StageOutcome.Measure(run.Stdout, run.Stderr, exitCode, run.KilledFor, wallMs,
            measuring?.Finish() ?? StageUsage.Unmeasured($"no cgroup accounting for {cgroup.Relative} on this host"), limits);
        events?.StageExit(stage, result);
        return new Outcome(result, markers.Contains(SandboxCommand.Packed));
    }

    /// <summary>A stage the host killed ended by SIGKILL, whatever the launcher reported.</summary>
    private static int SignalExit(int exitCode) => exitCode > 128 ? exitCode : 128 + Posix.SIGKILL;

    private static HashSet<string> ReadMarkers(string path)
    {
        try { return [.. File.ReadAllLines(path).Select(l => l.Trim())]; }
        catch (IOException) { return []; }
    }

    private async Task ReadAsync(Stream stream, CappedBuffer buffer, OutputStream kind, Run run, IJobEvents? events)
    {
        var chunk = new byte[ReadBuffer];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk)) > 0)
            {
                var before = buffer.Length;
                var fits = buffer.TryAppend(chunk.AsSpan(0, read));
                events?.Output(kind, chunk.AsSpan(0, buffer.Length - before));
                if (!fits)
                {
                    await KillAsync(run, StageLimit.Output);
                    return;
                }
            }
        }
        catch (IOException) when (run.KilledFor is not null)
        {
            // The stage was stopped under our feet.
        }
    }

    private async Task FeedAsync(Process process, string markers, IStdinSource stdin, CancellationToken ct)
    {
        var target = new PipeStdin(process.StandardInput);
        try
        {
            await stdin.FeedAsync(target, signal => SignalAsync(process.Id, markers, signal, ct), ct);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or StackExchange.Redis.RedisConnectionException)
        {
            // The program may exit without reading all its input; that is its business.
        }
        finally
        {
            try { await target.CloseStdinAsync(CancellationToken.None); }
            catch (IOException) { }
        }
    }

    /// <summary>
    /// A signal the user asked for (interactive runs) goes to every process of the stage but the sandbox's own
    /// two (its launcher and its init). Until the program runs (the stage's shell has said it unpacked the
    /// files) it is tried again, until it lands or the stage's input ends — the container driver's contract.
    /// Signalling the stage's shell before that would look like a sandbox that failed to start.
    /// </summary>
    private async Task SignalAsync(int launcher, string markers, string signal, CancellationToken stageInput)
    {
        if (!JobEvents.UserSignals.Contains(signal) || SignalNames.ToNumber(signal) is not { } number) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stageInput);
        timeout.CancelAfter(MaxSignalWait);
        while (!ReadMarkers(markers).Contains(SandboxCommand.Unpacked) || cgroup.SignalProgram(number, launcher) == 0)
            await Task.Delay(20, timeout.Token);
    }

    private static readonly TimeSpan MaxSignalWait = TimeSpan.FromSeconds(60);

    /// <summary>Samples the cgroup until stopped; kills the stage once its CPU time passes the limit.</summary>
    private async Task WatchCpuAsync(Run run, CgroupStage measuring, int cpuLimitMs, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.SampleInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (measuring.Sample() > cpuLimitMs)
                {
                    await KillAsync(run, StageLimit.Cpu);
                    break;
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops the whole stage: every process in its cgroup. The first reason wins.</summary>
    private async Task KillAsync(Run run, string reason)
    {
        if (!run.TryMarkKilled(reason)) return;
        await cgroup.KillAllAsync(KillWait);
    }

    /// <summary>What one stage produced. Shared by the readers, the CPU watcher and the wall clock.</summary>
    private sealed class Run(int cap)
    {
        public readonly CappedBuffer Stdout = new(cap);
        public readonly CappedBuffer Stderr = new(cap);
        private string? _killedFor;
        public string? KilledFor => Volatile.Read(ref _killedFor);
        public bool TryMarkKilled(string reason) => Interlocked.CompareExchange(ref _killedFor, reason, null) is null;
    }

    /// <summary>The launcher's stdin pipe, which the sandbox hands down to the program. Bytes go straight to the pipe; closing it is end of input.</summary>
    private sealed class PipeStdin(StreamWriter writer) : IStdinTarget
    {
        private int _closed;

        public async Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            await writer.BaseStream.WriteAsync(data, cancellationToken);
            await writer.BaseStream.FlushAsync(cancellationToken);
        }

        public Task CloseStdinAsync(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0) writer.Close();
            return Task.CompletedTask;
        }
    }
}
