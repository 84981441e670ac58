using System.Text.Json.Serialization;

namespace Goxec.Docker;

// Source-generated so the client needs no reflection (and stays trimming/AOT friendly).
// Null fields are left out: the Engine treats a missing field as "default", but some
// explicit nulls (e.g. "Tmpfs": null) as errors on older versions.
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DockerVersion))]
[JsonSerializable(typeof(ContainerCreateRequest))]
[JsonSerializable(typeof(ExecCreateRequest))]
[JsonSerializable(typeof(ContainerUpdateRequest))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(IdResponse))]
[JsonSerializable(typeof(ContainerInspectResponse))]
[JsonSerializable(typeof(List<ContainerListItem>))]
[JsonSerializable(typeof(ExecInspectResponse))]
[JsonSerializable(typeof(ImageInspectResponse))]
[JsonSerializable(typeof(List<ImageListItem>))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;

// Wire shapes of responses; mapped to the public records so callers never see Engine quirks
// such as "0001-01-01T00:00:00Z" for "never" or a leading "/" on names.

internal sealed record ErrorResponse([property: JsonPropertyName("message")] string? Message);

internal sealed record IdResponse([property: JsonPropertyName("Id")] string Id);

internal sealed record ContainerInspectResponse(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("Name")] string? Name,
    [property: JsonPropertyName("State")] ContainerStateResponse? State,
    [property: JsonPropertyName("Config")] ContainerConfigResponse? Config);

internal sealed record ContainerStateResponse(
    [property: JsonPropertyName("Status")] string? Status,
    [property: JsonPropertyName("Running")] bool Running,
    [property: JsonPropertyName("OOMKilled")] bool OomKilled,
    [property: JsonPropertyName("ExitCode")] int ExitCode,
    [property: JsonPropertyName("Pid")] int Pid,
    [property: JsonPropertyName("StartedAt")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("FinishedAt")] DateTimeOffset? FinishedAt);

internal sealed record ImageInspectResponse(
    [property: JsonPropertyName("Id")] string? Id,
    [property: JsonPropertyName("Config")] ContainerConfigResponse? Config,
    [property: JsonPropertyName("RepoTags")] string[]? RepoTags = null);

internal sealed record ImageListItem(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("RepoTags")] string[]? RepoTags);

internal sealed record ContainerConfigResponse(
    [property: JsonPropertyName("Labels")] Dictionary<string, string>? Labels,
    [property: JsonPropertyName("Env")] string[]? Env = null);

internal sealed record ContainerListItem(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("Names")] string[]? Names,
    [property: JsonPropertyName("Image")] string? Image,
    [property: JsonPropertyName("State")] string? State,
    [property: JsonPropertyName("Labels")] Dictionary<string, string>? Labels);

internal sealed record ExecInspectResponse(
    [property: JsonPropertyName("Running")] bool Running,
    [property: JsonPropertyName("ExitCode")] int? ExitCode,
    [property: JsonPropertyName("Pid")] int Pid);
