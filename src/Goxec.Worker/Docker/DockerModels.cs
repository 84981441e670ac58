namespace Goxec.Docker;

// What Goxec asks of the Engine and reads back, as immutable values (compared, copied with `with`); the
// adapter (DockerClient) maps them to Docker.DotNet's models. Only the fields Goxec sets or reads.

/// <param name="ApiVersion">The highest Engine API version the daemon speaks, e.g. "1.41" for dockerd 20.10.</param>
public sealed record DockerVersion(string Version, string ApiVersion);

public sealed record ContainerCreateRequest
{
    public required string Image { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public string? User { get; init; }
    public string? WorkingDir { get; init; }
    public string? Hostname { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public bool NetworkDisabled { get; init; }
    public HostConfig? HostConfig { get; init; }
}

public sealed record HostConfig
{
    public string? NetworkMode { get; init; }
    public long Memory { get; init; }
    public long MemorySwap { get; init; }
    public long? MemorySwappiness { get; init; }
    public long NanoCpus { get; init; }
    public long? PidsLimit { get; init; }
    public IReadOnlyList<string>? CapDrop { get; init; }
    public IReadOnlyList<string>? CapAdd { get; init; }
    public IReadOnlyList<string>? SecurityOpt { get; init; }
    public bool ReadonlyRootfs { get; init; }
    public IReadOnlyDictionary<string, string>? Tmpfs { get; init; }
    public IReadOnlyList<Ulimit>? Ulimits { get; init; }
    public string? IpcMode { get; init; }
    public bool? Init { get; init; }
    /// <summary>An OCI runtime registered with the daemon, e.g. "runsc" (gVisor); null for the daemon's default.</summary>
    public string? Runtime { get; init; }
    public bool Privileged { get; init; }
    public LogConfig? LogConfig { get; init; }
}

/// <summary>The resource fields of POST /containers/{id}/update that Goxec changes.</summary>
public sealed record ContainerUpdateRequest
{
    public long Memory { get; init; }
    public long MemorySwap { get; init; }
    public long? PidsLimit { get; init; }
}

public sealed record Ulimit(string Name, long Soft, long Hard);

public sealed record LogConfig(string Type, IReadOnlyDictionary<string, string>? Config = null);

/// <summary>The parts of GET /containers/{id}/json that Goxec reads.</summary>
public sealed record ContainerState(
    string Id,
    string Name,
    string Status,
    bool Running,
    bool OomKilled,
    int ExitCode,
    int Pid,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, string> Labels);

/// <summary>An image as listed: its content id and the names ("repo:tag") it carries.</summary>
public sealed record ImageSummary(string Id, IReadOnlyList<string> RepoTags);

public sealed record ContainerSummary(
    string Id,
    IReadOnlyList<string> Names,
    string Image,
    string State,
    IReadOnlyDictionary<string, string> Labels);

/// <summary>An exec to create. Output is always attached and multiplexed (no TTY), so stdout and stderr stay apart.</summary>
public sealed record ExecCreateRequest
{
    public required IReadOnlyList<string> Cmd { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public string? User { get; init; }
    public string? WorkingDir { get; init; }
    public bool AttachStdin { get; init; }
}

/// <summary>The parts of GET /exec/{id}/json that Goxec reads. ExitCode is null while running.</summary>
public sealed record ExecState(bool Running, int? ExitCode, int Pid);
