namespace Goxec.Docker;

/// <summary>
/// The narrow seam between Goxec and the Docker Engine API: only the calls the sandbox needs.
/// <see cref="DockerClient"/> implements it over Docker.DotNet; tests of sandbox logic may fake it.
/// </summary>
public interface IDockerClient : IDisposable
{
    /// <summary>The daemon's version and API version, e.g. "1.41".</summary>
    Task<DockerVersion> GetVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>The OCI runtimes registered with the daemon ("runc", and e.g. "runsc" for gVisor).</summary>
    Task<IReadOnlySet<string>> GetRuntimesAsync(CancellationToken cancellationToken = default);

    Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken = default);

    /// <summary>The image's labels, or null when the image is not there.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetImageLabelsAsync(string image, CancellationToken cancellationToken = default);

    /// <summary>The image's content id ("sha256:…"), or null when the image is not there.</summary>
    Task<string?> GetImageIdAsync(string image, CancellationToken cancellationToken = default);

    /// <summary>The engine's images (those whose name matches <paramref name="reference"/>, e.g. "goxec/runtime-*", when given), in one call.</summary>
    Task<IReadOnlyList<ImageSummary>> ListImagesAsync(string? reference = null, CancellationToken cancellationToken = default);

    /// <summary>Renames a container (POST /containers/{id}/rename). A name in use throws <see cref="DockerConflictException"/>.</summary>
    Task RenameContainerAsync(string id, string name, CancellationToken cancellationToken = default);

    /// <summary>Creates a container and returns its id. A name clash throws <see cref="DockerConflictException"/>.</summary>
    Task<string> CreateContainerAsync(ContainerCreateRequest request, string? name = null, CancellationToken cancellationToken = default);

    Task StartContainerAsync(string id, CancellationToken cancellationToken = default);

    Task<ContainerState> InspectContainerAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Changes a running container's resource limits (POST /containers/{id}/update), e.g. between stages.</summary>
    Task UpdateContainerAsync(string id, ContainerUpdateRequest request, CancellationToken cancellationToken = default);

    /// <summary>Sends a signal to the container's main process. A stopped container is not an error.</summary>
    Task KillContainerAsync(string id, string signal = "SIGKILL", CancellationToken cancellationToken = default);

    /// <summary>Force-removes the container and its anonymous volumes. A missing container is not an error.</summary>
    Task RemoveContainerAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists containers (running or not) carrying all the given labels ("key" or "key=value").</summary>
    Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IReadOnlyList<string> labels, CancellationToken cancellationToken = default);

    /// <summary>Extracts a tar archive into a directory of the container (PUT /containers/{id}/archive).</summary>
    Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken = default);

    /// <summary>Creates an exec instance in a running container and returns its id.</summary>
    Task<string> CreateExecAsync(string containerId, ExecCreateRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts an exec instance attached (hijacked connection): write its stdin while reading its
    /// demultiplexed stdout and stderr. Disposing the session closes the connection.
    /// </summary>
    Task<IExecSession> StartExecAsync(string execId, CancellationToken cancellationToken = default);

    /// <summary>Exit code and state of an exec instance.</summary>
    Task<ExecState> InspectExecAsync(string execId, CancellationToken cancellationToken = default);
}

/// <summary>An attached exec: stdin to write, and stdout/stderr frames to read until the process ends.</summary>
public interface IExecSession : IAsyncDisposable
{
    Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Half-closes the connection so the process sees end of input.</summary>
    Task CloseStdinAsync(CancellationToken cancellationToken = default);

    /// <summary>The next chunk of output, or null when the process has closed both streams.</summary>
    Task<OutputFrame?> ReadFrameAsync(CancellationToken cancellationToken = default);
}

public enum OutputStream { Stdin = 0, Stdout = 1, Stderr = 2 }

/// <summary>One frame of the Engine's multiplexed stream. The buffer is owned by the caller.</summary>
public sealed record OutputFrame(OutputStream Stream, ReadOnlyMemory<byte> Data);

public class DockerException(int statusCode, string message, Exception? inner = null) : Exception(message, inner), ITransientFault
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The engine failing (5xx) may pass; a bad request or a missing object will not.</summary>
    public bool IsTransient => StatusCode >= 500;
}

public sealed class DockerNotFoundException(string message, Exception? inner = null) : DockerException(404, message, inner);

public sealed class DockerConflictException(string message, Exception? inner = null) : DockerException(409, message, inner);
