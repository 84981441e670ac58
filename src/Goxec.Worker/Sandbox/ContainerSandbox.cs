using System.Diagnostics;
using System.Text;
using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Languages;
using Microsoft.Extensions.Options;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// One fresh container per job: create, start, deliver the files, compile, run, destroy.
/// Files enter through a tar on an exec's stdin (the archive API cannot write into a tmpfs or a
/// read-only root), so the host never touches a path the job controls.
/// </summary>
public sealed class ContainerSandbox(IDockerClient docker, Goxec.Redis.IRedisClient redis, IOptions<SandboxOptions> options, IOptions<Queue.WorkerOptions> worker,
    Queue.RunningJobs running, ClusterIdentity cluster, ILogger<ContainerSandbox> logger) : ISandbox
{
    private SandboxOptions Limits => options.Value;

    public async Task<SandboxOutcome> RunAsync(JobSpec job, LanguageDefinition language, int attempt, IJobEvents events, CancellationToken cancellationToken)
    {
        var spec = ContainerSpecFactory.Create(language, Limits, job.Id, attempt, worker.Value.ConsumerName, await cluster.GetAsync(cancellationToken));
        var name = ContainerSpecFactory.Name(job.Id, attempt);
        running.TrackContainer(name);
        string containerId;
        try
        {
            containerId = await docker.CreateContainerAsync(spec, name, cancellationToken);
        }
        catch (DockerException e)
        {
            running.UntrackContainer(name);
            throw new SandboxException($"Could not create the container for {language.Id} ({language.Image}): {e.Message}", e);
        }

        try
        {
            await docker.StartContainerAsync(containerId, cancellationToken);
            var stages = new StageRunner(docker, containerId, Limits);

            var upload = await stages.RunAsync("upload", ["tar", "-x", "-C", Limits.WorkDir, "-f", "-"], new FixedStdin(TarArchive.Build(job.Files.Select(f => new TarArchiveFile(f.Name, Encoding.UTF8.GetBytes(f.Content))))), Limits.CompileWallTime, null, cancellationToken);
            if (upload.ExitCode != 0)
                throw new SandboxException($"Could not deliver the files into the sandbox: {upload.Stderr.Trim()}");

            StageResult? compile = null;
            if (language.Compiled)
            {
                compile = await stages.RunAsync("compile", language.Compile!, FixedStdin.Empty, Limits.CompileWallTime, events, cancellationToken);
                if (compile.ExitCode != 0 || compile.TimedOut)
                    return new SandboxOutcome(Verdict.CompileError, compile, null, compile.TimedOut ? "Compilation took too long." : null);
            }

            IStdinSource stdin = job.Interactive
                ? new InteractiveStdin(redis, job.Id, Encoding.UTF8.GetBytes(job.Stdin))
                : new FixedStdin(Encoding.UTF8.GetBytes(job.Stdin));
            var run = await stages.RunAsync("run", [.. language.Run, .. job.Args], stdin,
                job.Interactive ? Limits.InteractiveWallTime : Limits.RunWallTime, events, cancellationToken);
            return new SandboxOutcome(VerdictOf(run), compile, run);
        }
        catch (DockerException e)
        {
            throw new SandboxException($"The container engine failed during the job: {e.Message}", e);
        }
        finally
        {
            await RemoveAsync(containerId);
            running.UntrackContainer(name);
        }
    }

    private static Verdict VerdictOf(StageResult run) => run switch
    {
        { TimedOut: true } => Verdict.TimeLimitExceeded,
        { OutputTruncated: true } => Verdict.OutputLimitExceeded,
        { ExitCode: 0 } => Verdict.Accepted,
        _ => Verdict.RuntimeError,
    };

    private async Task RemoveAsync(string containerId)
    {
        // Never with the job's token: a cancelled job must still leave nothing behind.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await docker.RemoveContainerAsync(containerId, timeout.Token);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not remove container {Container}; the reaper will", containerId);
        }
    }
}
