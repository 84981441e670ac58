using System.Diagnostics;
using System.Text;
using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Languages;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// The namespace driver: each stage of a job runs in a fresh bubblewrap sandbox (user, pid, mount, ipc, uts,
/// network and cgroup namespaces) on the language image's root filesystem, read-only, with a fresh size-capped
/// work dir and /tmp, as an unprivileged uid inside and outside, without capabilities, under no_new_privs and
/// a seccomp filter, in a cgroup of its own with the stage's memory, pids and CPU limits. Files go in as a tar
/// unpacked inside the sandbox; a compile stage's work dir comes out the same way, for the run stage. The host
/// never opens a path the job controls.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NamespaceSandbox(Goxec.Jobs.JobEventLog log, Goxec.Jobs.Nudges nudges, NamespaceHost host, SandboxActivity activity, ILogger<NamespaceSandbox> logger) : ISandbox
{
    /// <summary>The sandbox's launcher on the host and its init: not the job's, so not counted against its processes.</summary>
    private const int OwnProcesses = 2;

    private SandboxOptions Options => host.Options;

    public async Task<SandboxOutcome> RunAsync(JobSpec job, LanguageDefinition language, int attempt, IJobEvents events, CancellationToken cancellationToken)
    {
        // Jobs queued before limits existed carry none; every job is held to this worker's ceilings.
        var runLimits = (job.Limits ?? StageLimits.RunDefaults).AtMost(Options.RunCeiling);
        var compileLimits = language.Compiled ? (job.CompileLimits ?? StageLimits.CompileDefaults).AtMost(Options.CompileCeiling) : null;
        StageLimits[] all = compileLimits is null ? [runLimits] : [compileLimits, runLimits];
        host.EnsureReady();

        using var inside = activity.Enter();
        var name = $"{job.Id}-{attempt}";
        var directory = Path.Combine(host.JobsDirectory, name);
        var preparing = Stopwatch.GetTimestamp();
        HostUids.Lease? uid = null;
        RootfsCache.Rootfs rootfs;
        using (var prepare = GoxecDiagnostics.Worker.StartActivity("sandbox.prepare"))
        {
            prepare?.SetTag("container.image.name", language.Image);
            try
            {
                rootfs = await host.Rootfs.GetAsync(language.Image, cancellationToken);
                prepare?.SetTag("goxec.sandbox.warm", !rootfs.Fresh);
                uid = host.Uids.Take();
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                await File.WriteAllBytesAsync(Path.Combine(directory, "files.tar"),
                    TarArchive.Build(job.Files.Select(f => new TarArchiveFile(f.Name, Encoding.UTF8.GetBytes(f.Content)))), cancellationToken);
            }
            catch (Exception e)
            {
                prepare?.SetStatus(ActivityStatusCode.Error, e.Message);
                uid?.Dispose();
                Cleanup(directory);
                throw;
            }
        }
        var prepared = Stopwatch.GetElapsedTime(preparing);
        GoxecMetrics.SandboxStart.Record(prepared.TotalSeconds, new KeyValuePair<string, object?>("language", language.Id));
        GoxecMetrics.ContainersRunning.Add(1);
        try
        {
            var env = SandboxCommand.Environment(rootfs.Env);
            var ceiling = new Ceilings(Math.Max(Options.WorkDirBytes, all.Max(s => s.MaxFileSizeKb * 1024L)), StageRlimits.CpuCeilingSeconds(all));
            var stages = new StageContext(job, language, attempt, uid!.Uid, rootfs.Directory, env, directory, ceiling, events);

            var filesIn = Path.Combine(directory, "files.tar");
            StageResult? compile = null;
            if (compileLimits is not null)
            {
                var work = Path.Combine(directory, "work.tar");
                NamespaceStage.Outcome compiled;
                using (var stage = StageSpans.Start("compile", language.Id))
                {
                    compiled = await RunStageAsync(stages, "compile", [.. language.Compile!, .. job.CompilerArgs ?? []], filesIn, work, FixedStdin.Empty,
                        compileLimits, mergeStderr: false, cancellationToken);
                    compile = StageSpans.Record(stage, "compile", language.Id, compiled.Result);
                }
                if (compile.ExitCode != 0 || compile.LimitExceeded is not null)
                    return new SandboxOutcome(Verdict.CompileError, compile, null, Verdicts.OfCompile(compile, compileLimits));
                if (!compiled.Packed)
                    return new SandboxOutcome(Verdict.CompileError, compile, null,
                        "The compiled work dir could not be carried into the run stage (a file in it could not be read).");
                filesIn = work;
            }

            // An interactive run reads what the user types, live, and may last as long as a person needs.
            IStdinSource stdin = job.Interactive
                ? new InteractiveStdin(log, nudges, job.Id, Encoding.UTF8.GetBytes(job.Stdin))
                : new FixedStdin(Encoding.UTF8.GetBytes(job.Stdin));
            var stageLimits = job.Interactive ? runLimits with { WallTimeMs = (int)Options.InteractiveWallTime.TotalMilliseconds } : runLimits;
            StageResult run;
            using (var stage = StageSpans.Start("run", language.Id))
                run = StageSpans.Record(stage, "run", language.Id,
                    (await RunStageAsync(stages, "run", [.. language.Run, .. job.Args], filesIn, null, stdin, stageLimits, job.MergeStderr, cancellationToken)).Result);
            var (verdict, message) = Verdicts.OfRun(run, runLimits, job.ExpectedOutput);
            logger.LogDebug("Job {JobId} in the namespace sandbox: prepared in {Prepare:F1} ms ({Kind}), stages done {Stages:F1} ms later (run wall {Wall} ms)",
                job.Id, prepared.TotalMilliseconds, rootfs.Fresh ? "exported" : "cached", (Stopwatch.GetElapsedTime(preparing) - prepared).TotalMilliseconds, run.WallTimeMs);
            return new SandboxOutcome(verdict, compile, run, message);
        }
        finally
        {
            inside.Dispose();
            uid?.Dispose();
            Cleanup(directory);
            GoxecMetrics.ContainersRunning.Add(-1);
        }
    }

    private async Task<NamespaceStage.Outcome> RunStageAsync(StageContext context, string stage, IReadOnlyList<string> argv, string filesIn, string? filesOut,
        IStdinSource stdin, StageLimits limits, bool mergeStderr, CancellationToken ct)
    {
        var group = host.Cgroups.Create($"{context.Job.Id}-{context.Attempt}-{stage}", limits, Options.Cpus, OwnProcesses);
        try
        {
            var command = new SandboxCommand.Stage(context.Uid, Options.User, context.Rootfs, context.Env, group.ProcsFiles, filesIn, filesOut,
                Path.Combine(context.Directory, stage + ".markers"), host.SeccompFile, context.Ceilings.FileSizeBytes, context.Ceilings.CpuSeconds, mergeStderr,
                StageRlimits.Wrap(Options, limits, argv));
            return await new NamespaceStage(host.Spawner, host.Tools, Options, group, host.CgroupHost.Open(group.Relative))
                .RunAsync(stage, command, stdin, limits, context.Events, ct);
        }
        finally
        {
            if (!await group.RemoveAsync(TimeSpan.FromSeconds(10)))
                logger.LogWarning("The cgroup of stage {Stage} of job {JobId} could not be removed; the janitor will retry", stage, context.Job.Id);
        }
    }

    private void Cleanup(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not remove the stage files in {Directory}; the janitor will retry", directory);
        }
    }

    /// <param name="FileSizeBytes">RLIMIT_FSIZE of the sandbox as a whole: the work dir must fit through the compile stage's pack.</param>
    private sealed record Ceilings(long FileSizeBytes, long CpuSeconds);

    private sealed record StageContext(JobSpec Job, LanguageDefinition Language, int Attempt, int Uid, string Rootfs, IReadOnlyList<string> Env,
        string Directory, Ceilings Ceilings, IJobEvents Events);
}
