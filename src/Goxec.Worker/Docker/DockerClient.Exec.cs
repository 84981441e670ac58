using Docker.DotNet.Models;

namespace Goxec.Docker;

public sealed partial class DockerClient
{
    public Task<string> CreateExecAsync(string containerId, ExecCreateRequest request, CancellationToken cancellationToken = default) =>
        CallAsync("POST", "containers/{id}/exec", async ct => (await _engine.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = [.. request.Cmd],
            Env = request.Env?.ToList()!,
            User = request.User!,
            WorkingDir = request.WorkingDir!,
            AttachStdin = request.AttachStdin,
            AttachStdout = true,
            AttachStderr = true,
            // With a TTY the Engine sends raw bytes instead of the multiplexed stream the session reads.
            TTY = false,
        }, ct)).ID, cancellationToken);

    public Task<ExecState> InspectExecAsync(string execId, CancellationToken cancellationToken = default) =>
        CallAsync("GET", "exec/{id}/json", async ct =>
        {
            var e = await _engine.Exec.InspectContainerExecAsync(execId, ct);
            return new ExecState(e.Running, e.Running ? null : (int?)e.ExitCode, (int)e.Pid);
        }, cancellationToken);

    /// <remarks>
    /// The library hijacks the connection (its unix transport owns the socket), so the session can
    /// half-close it: the process sees end of stdin while its output keeps flowing. The timeout covers
    /// the start only; the session then lives as long as the process.
    /// </remarks>
    public Task<IExecSession> StartExecAsync(string execId, CancellationToken cancellationToken = default) =>
        CallAsync<IExecSession>("POST", "exec/{id}/start", async ct =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.RequestTimeout);
            try
            {
                return new ExecSession(await _engine.Exec.StartContainerExecAsync(execId, new ContainerExecStartParameters { TTY = false }, timeout.Token));
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new DockerException(504, $"The Docker Engine did not start exec {execId} within {_options.RequestTimeout.TotalSeconds:0} s.");
            }
        }, cancellationToken);
}
