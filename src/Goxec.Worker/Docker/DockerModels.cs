using System.Text.Json.Serialization;

namespace Goxec.Docker;

// Engine API 1.41 shapes, only the fields Goxec sets or reads. Names match the Engine's JSON.

public sealed record DockerVersion(
    [property: JsonPropertyName("Version")] string Version,
    [property: JsonPropertyName("ApiVersion")] string ApiVersion,
    [property: JsonPropertyName("MinAPIVersion")] string? MinApiVersion);

public sealed record ContainerCreateRequest
{
    [JsonPropertyName("Image")] public required string Image { get; init; }
    [JsonPropertyName("Cmd")] public IReadOnlyList<string>? Cmd { get; init; }
    [JsonPropertyName("Entrypoint")] public IReadOnlyList<string>? Entrypoint { get; init; }
    [JsonPropertyName("Env")] public IReadOnlyList<string>? Env { get; init; }
    [JsonPropertyName("User")] public string? User { get; init; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; init; }
    [JsonPropertyName("Hostname")] public string? Hostname { get; init; }
    [JsonPropertyName("Labels")] public IReadOnlyDictionary<string, string>? Labels { get; init; }
    [JsonPropertyName("NetworkDisabled")] public bool NetworkDisabled { get; init; }
    [JsonPropertyName("AttachStdin")] public bool AttachStdin { get; init; }
    [JsonPropertyName("AttachStdout")] public bool AttachStdout { get; init; }
    [JsonPropertyName("AttachStderr")] public bool AttachStderr { get; init; }
    [JsonPropertyName("OpenStdin")] public bool OpenStdin { get; init; }
    [JsonPropertyName("StdinOnce")] public bool StdinOnce { get; init; }
    [JsonPropertyName("Tty")] public bool Tty { get; init; }
    [JsonPropertyName("StopTimeout")] public int? StopTimeout { get; init; }
    [JsonPropertyName("HostConfig")] public HostConfig? HostConfig { get; init; }
}

public sealed record HostConfig
{
    [JsonPropertyName("NetworkMode")] public string? NetworkMode { get; init; }
    [JsonPropertyName("Memory")] public long Memory { get; init; }
    [JsonPropertyName("MemorySwap")] public long MemorySwap { get; init; }
    [JsonPropertyName("MemorySwappiness")] public long? MemorySwappiness { get; init; }
    [JsonPropertyName("NanoCpus")] public long NanoCpus { get; init; }
    [JsonPropertyName("CpuPeriod")] public long CpuPeriod { get; init; }
    [JsonPropertyName("CpuQuota")] public long CpuQuota { get; init; }
    [JsonPropertyName("PidsLimit")] public long? PidsLimit { get; init; }
    [JsonPropertyName("CapDrop")] public IReadOnlyList<string>? CapDrop { get; init; }
    [JsonPropertyName("CapAdd")] public IReadOnlyList<string>? CapAdd { get; init; }
    [JsonPropertyName("SecurityOpt")] public IReadOnlyList<string>? SecurityOpt { get; init; }
    [JsonPropertyName("ReadonlyRootfs")] public bool ReadonlyRootfs { get; init; }
    [JsonPropertyName("Tmpfs")] public IReadOnlyDictionary<string, string>? Tmpfs { get; init; }
    [JsonPropertyName("Ulimits")] public IReadOnlyList<Ulimit>? Ulimits { get; init; }
    [JsonPropertyName("IpcMode")] public string? IpcMode { get; init; }
    [JsonPropertyName("Init")] public bool? Init { get; init; }
    [JsonPropertyName("Runtime")] public string? Runtime { get; init; }
    [JsonPropertyName("AutoRemove")] public bool AutoRemove { get; init; }
    [JsonPropertyName("Privileged")] public bool Privileged { get; init; }
    [JsonPropertyName("OomKillDisable")] public bool? OomKillDisable { get; init; }
    [JsonPropertyName("LogConfig")] public LogConfig? LogConfig { get; init; }
}

/// <summary>The resource fields of POST /containers/{id}/update that Goxec changes.</summary>
public sealed record ContainerUpdateRequest
{
    [JsonPropertyName("Memory")] public long Memory { get; init; }
    [JsonPropertyName("MemorySwap")] public long MemorySwap { get; init; }
    [JsonPropertyName("PidsLimit")] public long? PidsLimit { get; init; }
}

public sealed record Ulimit(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Soft")] long Soft,
    [property: JsonPropertyName("Hard")] long Hard);

public sealed record LogConfig(
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("Config")] IReadOnlyDictionary<string, string>? Config = null);

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

/// <summary>What a driver needs of an image besides running it: its content id, its environment, and whether any tag still names it.</summary>
public sealed record ImageDetails(string Id, IReadOnlyList<string> Env, IReadOnlyList<string> RepoTags);

/// <summary>An image as listed: its content id and the names ("repo:tag") it carries.</summary>
public sealed record ImageSummary(string Id, IReadOnlyList<string> RepoTags);

public sealed record ContainerSummary(
    string Id,
    IReadOnlyList<string> Names,
    string Image,
    string State,
    IReadOnlyDictionary<string, string> Labels);

public sealed record ExecCreateRequest
{
    [JsonPropertyName("Cmd")] public required IReadOnlyList<string> Cmd { get; init; }
    [JsonPropertyName("Env")] public IReadOnlyList<string>? Env { get; init; }
    [JsonPropertyName("User")] public string? User { get; init; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; init; }
    [JsonPropertyName("AttachStdin")] public bool AttachStdin { get; init; }
    [JsonPropertyName("AttachStdout")] public bool AttachStdout { get; init; } = true;
    [JsonPropertyName("AttachStderr")] public bool AttachStderr { get; init; } = true;
    [JsonPropertyName("Tty")] public bool Tty { get; init; }
    [JsonPropertyName("Privileged")] public bool Privileged { get; init; }
}

/// <summary>The parts of GET /exec/{id}/json that Goxec reads. ExitCode is null while running.</summary>
public sealed record ExecState(bool Running, int? ExitCode, int Pid);
