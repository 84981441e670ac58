using Goxec.Docker;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// A <c>tar -x</c> exec started in an idle warm container ahead of its job, waiting on stdin: a take
/// only streams the files in, skipping the exec's create and start (the costliest engine step of a
/// delivery). It runs as the sandbox user in the empty work dir, like the delivery of a fresh container.
/// </summary>
public sealed class PreparedUpload : IAsyncDisposable
{
    private readonly IDockerClient _docker;
    private readonly string _execId;
    private readonly IExecSession _session;

    private PreparedUpload(IDockerClient docker, string execId, IExecSession session) => (_docker, _execId, _session) = (docker, execId, session);

    public static async Task<PreparedUpload> StartAsync(IDockerClient docker, string containerId, SandboxOptions options, CancellationToken ct)
    {
        var execId = await docker.CreateExecAsync(containerId, new ExecCreateRequest
        {
            Cmd = ["tar", "-x", "-C", options.WorkDir, "-f", "-"],
            AttachStdin = true,
            User = options.User,
            WorkingDir = options.WorkDir,
        }, ct);
        return new PreparedUpload(docker, execId, await docker.StartExecAsync(execId, ct));
    }

    /// <summary>Writes the archive, ends stdin and waits for tar to finish; throws <see cref="SandboxException"/> unless it succeeded.</summary>
    public async Task DeliverAsync(byte[] tar, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var stderr = new CappedBuffer(64 * 1024);
        var reading = ReadAsync(stderr, deadline.Token);
        await _session.WriteStdinAsync(tar, deadline.Token);
        await _session.CloseStdinAsync(deadline.Token);
        await reading;
        var state = await _docker.InspectExecAsync(_execId, deadline.Token);
        if (state.Running || state.ExitCode != 0)
            throw new SandboxException($"Could not deliver the files into the sandbox: exit {state.ExitCode?.ToString() ?? "none"} {stderr.Text.Trim()}");
    }

    private async Task ReadAsync(CappedBuffer stderr, CancellationToken ct)
    {
        while (await _session.ReadFrameAsync(ct) is { } frame)
            stderr.TryAppend(frame.Data.Span);
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
