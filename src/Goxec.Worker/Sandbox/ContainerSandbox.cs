using System.Diagnostics;
using System.Text;
using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Languages;
using Goxec.Worker.Sandbox.Cgroups;
using Microsoft.Extensions.Options;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// One fresh container per job: create, start, deliver the files, compile, run, destroy.
/// Files enter through a tar on an exec's stdin (the archive API cannot write into a tmpfs or a
/// read-only root) and output leaves only through the exec's attached streams, so the host never
/// touches a path the job controls.
/// </summary>
public sealed class ContainerSandbox(IDockerClient docker, Goxec.Jobs.JobEventLog log, Goxec.Jobs.Nudges nudges, IOptions<SandboxOptions> options, IOptions<Queue.WorkerOptions> worker,
    Queue.RunningJobs running, ClusterIdentity cluster, WarmPool pool, ContainerRemovals removals, SandboxActivity activity, CgroupHost cgroups,
    ILogger<ContainerSandbox> logger) : ISandbox
{
    private static int _warnedNoCgroup;
    /// <summary>How long a job waits for a container being warmed when none is idle; a fresh one takes longer on a loaded machine.</summary>
    private static readonly TimeSpan WarmingWait = TimeSpan.FromSeconds(1);
    private SandboxOptions Options => options.Value;

    public async Task<SandboxOutcome> RunAsync(JobSpec job, LanguageDefinition language, int attempt, IJobEvents events, CancellationToken cancellationToken)
    {
        // Jobs queued before limits existed carry none; every job is held to this worker's ceilings.
        var runLimits = (job.Limits ?? StageLimits.RunDefaults).AtMost(Options.RunCeiling);
        var compileLimits = language.Compiled ? (job.CompileLimits ?? StageLimits.CompileDefaults).AtMost(Options.CompileCeiling) : null;
        StageLimits[] all = compileLimits is null ? [runLimits] : [compileLimits, runLimits];

        using var inside = activity.Enter();
        var name = ContainerSpecFactory.Name(job.Id, attempt);
        running.TrackContainer(name);
        // Ended once the files are in (or by the finally below when preparing fails).
        var prepare = GoxecDiagnostics.Worker.StartActivity("sandbox.prepare");
        prepare?.SetTag("container.image.name", language.Image);
        var preparing = Stopwatch.GetTimestamp();
        var files = TarArchive.Build(job.Files.Select(f => new TarArchiveFile(f.Name, Encoding.UTF8.GetBytes(f.Content))));
        string containerId;
        // A taken pool container stays tracked under its pool name too until the job ends: the reaper
        // may have listed it under that name just before the rename.
        WarmContainer? candidate = null;
        try
        {
            candidate = await pool.TakeAsync(language.Id, WarmingWait, cancellationToken);
            if (candidate is null && pool.Enabled) GoxecMetrics.PoolTakes.Add(1, new("language", language.Id), new("result", "miss"), new("reason", "none_idle"));
            var warm = candidate is null ? null : await TryAdoptAsync(candidate, name, all, language, files, cancellationToken);
            prepare?.SetTag("goxec.sandbox.warm", warm is not null);
            containerId = warm ?? await PrepareFreshAsync(language, all, job.Id, attempt, name, files, cancellationToken);
        }
        catch (Exception e)
        {
            running.UntrackContainer(name);
            if (candidate is not null) running.UntrackContainer(candidate.Name);
            prepare?.SetStatus(ActivityStatusCode.Error, e.Message);
            prepare?.Dispose();
            pool.JobLeft();
            throw;
        }
        prepare?.Dispose();
        var prepared = Stopwatch.GetElapsedTime(preparing);
        GoxecMetrics.SandboxStart.Record(prepared.TotalSeconds, new KeyValuePair<string, object?>("language", language.Id));
        GoxecMetrics.ContainersRunning.Add(1);

        try
        {
            var cgroup = cgroups.FindContainer(containerId, Options.CgroupParent);
            var missing = cgroup is null ? NoCgroup(containerId) : "";
            var stages = new StageRunner(docker, containerId, Options, cgroup, missing);

            StageResult? compile = null;
            if (compileLimits is not null)
            {
                using (var stage = StageSpans.Start("compile", language.Id))
                    compile = StageSpans.Record(stage, "compile", language.Id,
                        await stages.RunAsync("compile", [.. language.Compile!, .. job.CompilerArgs ?? []], FixedStdin.Empty, compileLimits, events, cancellationToken));
                ThrowIfNotStarted(compile);
                compile = await ThrowIfContainerVanishedAsync(compile, containerId, cancellationToken);
                if (compile.ExitCode != 0 || compile.LimitExceeded is not null)
                    return new SandboxOutcome(Verdict.CompileError, compile, null, Verdicts.OfCompile(compile, compileLimits));
                await ReapStragglersAsync(cgroup, stages, cancellationToken);
                // gVisor cannot update a running container: it has had the largest stage's memory from the start.
                if (!Options.UserSpaceKernel) await docker.UpdateContainerAsync(containerId, ContainerSpecFactory.Resources(runLimits), cancellationToken);
            }

            // An interactive run reads what the user types, live, and may last as long as a person needs.
            IStdinSource stdin = job.Interactive
                ? new InteractiveStdin(log, nudges, job.Id, Encoding.UTF8.GetBytes(job.Stdin))
                : new FixedStdin(Encoding.UTF8.GetBytes(job.Stdin));
            var stageLimits = job.Interactive ? runLimits with { WallTimeMs = (int)Options.InteractiveWallTime.TotalMilliseconds } : runLimits;
            StageResult run;
            using (var stage = StageSpans.Start("run", language.Id))
                run = StageSpans.Record(stage, "run", language.Id, await stages.RunAsync("run", [.. language.Run, .. job.Args], stdin, stageLimits, events, cancellationToken,
                    mergeStderr: job.MergeStderr));
            ThrowIfNotStarted(run);
            run = await ThrowIfContainerVanishedAsync(run, containerId, cancellationToken);
            // Under gVisor a compiled program runs with the compile stage's larger memory: its own limit is checked on its peak.
            // Over it, the verdict is memory whatever stopped it later (a CPU or wall limit it only reached by outgrowing its memory).
            if (Options.UserSpaceKernel && compileLimits is not null && run.LimitExceeded is null or StageLimit.Cpu or StageLimit.Wall
                && run.MemoryKb > runLimits.MemoryMb * 1024L)
                run = run with { LimitExceeded = StageLimit.Memory };
            var (verdict, message) = Verdicts.OfRun(run, runLimits, job.ExpectedOutput);
            logger.LogDebug("Job {JobId} in the sandbox: prepared in {Prepare:F1} ms ({Kind}), stages done {Stages:F1} ms later (run wall {Wall} ms)",
                job.Id, prepared.TotalMilliseconds, candidate is not null && containerId == candidate.Id ? "warm" : "fresh",
                (Stopwatch.GetElapsedTime(preparing) - prepared).TotalMilliseconds, run.WallTimeMs);
            return new SandboxOutcome(verdict, compile, run, message);
        }
        catch (DockerException e)
        {
            throw new SandboxException($"The container engine failed during the job: {e.Message}", e);
        }
        finally
        {
            inside.Dispose();
            // Off the critical path: the result is stored while the engine removes the container. A cancelled job's
            // goes now, before its result is stored: once a cancel is answered, nothing of the job runs.
            if (cancellationToken.IsCancellationRequested) await removals.RemoveNowAsync(containerId, name);
            else await removals.EnqueueAsync(containerId, name);
            if (candidate is not null) running.UntrackContainer(candidate.Name);
            GoxecMetrics.ContainersRunning.Add(-1);
            pool.JobLeft();
        }
    }

    /// <summary>Why a container's stages are not measured (said in each stage's notes, and logged once).</summary>
    private string NoCgroup(string containerId)
    {
        var why = $"no cgroup of the container found ({cgroups.Describe()}, parent '{Options.CgroupParent}')";
        if (Interlocked.Exchange(ref _warnedNoCgroup, 1) == 0)
            logger.LogWarning("Container {Container}: {Why}. CPU time and memory are not measured (null in results), and CPU time is enforced by rlimits only",
                containerId[..Math.Min(12, containerId.Length)], why);
        return why;
    }

    /// <summary>Create, start, deliver the files. On any failure the container is removed before the error goes up.</summary>
    private async Task<string> PrepareFreshAsync(LanguageDefinition language, StageLimits[] stages, string jobId, int attempt, string name, byte[] files,
        CancellationToken ct)
    {
        var spec = ContainerSpecFactory.Create(language, Options, stages[0], stages, jobId, attempt, worker.Value.ConsumerName, await cluster.GetAsync(ct));
        string containerId;
        try
        {
            containerId = await docker.CreateContainerAsync(spec, name, ct);
        }
        catch (DockerException e)
        {
            throw new SandboxException($"Could not create the container for {language.Id} ({language.Image}): {e.Message}", e);
        }
        try
        {
            await docker.StartContainerAsync(containerId, ct);
            await UploadAsync(containerId, files, ct);
            return containerId;
        }
        catch (Exception e)
        {
            await removals.RemoveNowAsync(containerId, name);
            if (e is DockerException) throw new SandboxException($"The container engine failed during the job: {e.Message}", e);
            throw;
        }
    }

    private async Task UploadAsync(string containerId, byte[] files, CancellationToken ct)
    {
        var upload = await new StageRunner(docker, containerId, Options, null).RunToolAsync(["tar", "-x", "-C", Options.WorkDir, "-f", "-"], files, Options.UploadTimeout, ct);
        if (upload.ExitCode != 0)
            throw new SandboxException($"Could not deliver the files into the sandbox: {upload.Stderr.Trim()}");
    }

    /// <summary>
    /// Makes an idle pool container the job's: its image must still be the language's current one, its
    /// memory and pids become the job's first stage's (when they differ), it takes the job's name (so a
    /// duplicate attempt still clashes), and the files go in through the waiting tar. All four run at
    /// once: no job code runs before every one has succeeded. Any failure removes the container and
    /// returns null: the job then runs on a fresh container, never failing for the pool.
    /// </summary>
    private async Task<string?> TryAdoptAsync(WarmContainer warm, string name, StageLimits[] stages, LanguageDefinition language, byte[] files,
        CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var reason = "engine";
        try
        {
            var resources = ContainerSpecFactory.Initial(stages, Options);
            if (Options.UserSpaceKernel && resources != warm.Resources)
            {
                reason = "limits";
                throw new SandboxException("gVisor cannot change a running container's limits to the job's");
            }
            var image = docker.GetImageIdAsync(language.Image, ct);
            var update = resources == warm.Resources ? Task.CompletedTask : docker.UpdateContainerAsync(warm.Id, resources, ct);
            var rename = docker.RenameContainerAsync(warm.Id, name, ct);
            var upload = warm.Upload.DeliverAsync(files, Options.UploadTimeout, ct);
            var ended = await Task.WhenAll(EndedAsync(image, started), EndedAsync(update, started), EndedAsync(rename, started), EndedAsync(upload, started));
            if (upload.IsFaulted) reason = "upload";
            await Task.WhenAll(image, update, rename, upload); // rethrows the first failure
            if (await image != warm.ImageId)
            {
                reason = "stale_image";
                throw new SandboxException($"its image {warm.ImageId} is no longer {language.Image} ({await image ?? "missing"})");
            }
            GoxecMetrics.PoolTakes.Add(1, new("language", language.Id), new("result", "hit"), new("reason", "idle"));
            logger.LogDebug("Took warm container {Container} for {Language}: image check {Image:F1} ms, update {Update:F1} ms, rename {Rename:F1} ms, files {Files:F1} ms",
                warm.Id[..12], language.Id, ended[0], ended[1], ended[2], ended[3]);
            await warm.Upload.DisposeAsync();
            return warm.Id;
        }
        catch (Exception e)
        {
            await warm.Upload.DisposeAsync();
            // Removed now, not queued: after the rename it holds the job's name, which the fresh container needs.
            await removals.RemoveNowAsync(warm.Id, warm.Name);
            if (e is OperationCanceledException && ct.IsCancellationRequested) throw;
            GoxecMetrics.PoolTakes.Add(1, new("language", language.Id), new("result", "fallback"), new("reason", reason));
            logger.LogWarning("Warm container {Container} for {Language} could not be used ({Reason}: {Error}); running the job on a fresh one",
                warm.Id[..Math.Min(12, warm.Id.Length)], language.Id, reason, e.Message);
            return null;
        }
    }

    /// <summary>Milliseconds from <paramref name="start"/> until the call ended, however it ended.</summary>
    private static async Task<double> EndedAsync(Task call, long start)
    {
        try { await call; } catch { /* reported by the caller */ }
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>
    /// 126/127 with the runtime's own message (which the Engine writes to the exec's stdout) means the
    /// exec never started: the wrapper is missing from the image, or the container went away. Our
    /// fault, retried — never the program's runtime error.
    /// </summary>
    private static void ThrowIfNotStarted(StageResult stage)
    {
        const string marker = "OCI runtime exec failed";
        if (stage.ExitCode is 126 or 127 && stage.LimitExceeded is null
            && (stage.Stdout.StartsWith(marker, StringComparison.Ordinal) || stage.Stderr.StartsWith(marker, StringComparison.Ordinal)))
            throw new SandboxException($"The stage could not start in the container: {(stage.Stdout + stage.Stderr).Trim()}");
    }

    /// <summary>
    /// A SIGKILL we did not send and no limit explains, or no exit code at all (under gVisor, any failed exit: its exec
    /// ends with 128 when the sandbox dies): if the container itself is gone or stopped, something ended it. An OOM kill of the container is
    /// the job's memory limit (under gVisor the kernel's OOM killer ends the whole sandbox); anything else came from
    /// outside the job (an operator, a reaper), since user code cannot stop the container (its init and idle process
    /// are beyond its signals), and is never the program's verdict.
    /// </summary>
    private async Task<StageResult> ThrowIfContainerVanishedAsync(StageResult stage, string containerId, CancellationToken ct)
    {
        // Under gVisor an exec whose sandbox died of an OOM kill may hang until the wall limit: that too asks the container.
        var hungUnderGvisor = Options.UserSpaceKernel && stage.LimitExceeded == StageLimit.Wall;
        if ((stage.LimitExceeded is not null && !hungUnderGvisor)
            || !(stage.Signal == "SIGKILL" || stage.ExitCode is null || (Options.UserSpaceKernel && stage.ExitCode is not 0))) return stage;
        var state = await docker.InspectContainerAsync(containerId, ct);
        if (!state.Running && state.OomKilled) return stage with { LimitExceeded = StageLimit.Memory, TimedOut = false, ExitCode = 137, Signal = "SIGKILL" };
        if (state.Running || hungUnderGvisor) return stage;
        throw new SandboxException($"The container stopped under the stage ({state.Status}); it was killed from outside the job.");
    }

    /// <summary>A compile stage's leftover processes must not run on into the run stage; kill every process of the user.</summary>
    private async Task ReapStragglersAsync(Cgroup? cgroup, StageRunner stages, CancellationToken ct)
    {
        if (cgroup?.Processes() is { } count and <= ContainerSpecFactory.OwnProcesses) return;
        await stages.RunToolAsync(["sh", "-c", "kill -KILL -1 2>/dev/null; exit 0"], [], TimeSpan.FromSeconds(10), ct);
    }
}
