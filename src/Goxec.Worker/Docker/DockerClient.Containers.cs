using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Goxec.Docker;

public sealed partial class DockerClient
{
    public async Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken = default)
    {
        // Not escaped: a reference's "/" separates path segments that the Engine's router expects raw.
        ValidateImageReference(image);
        using var response = await SendAsync(HttpMethod.Get, $"images/{image}/json", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    public async Task<IReadOnlyDictionary<string, string>?> GetImageLabelsAsync(string image, CancellationToken cancellationToken = default)
    {
        ValidateImageReference(image);
        using var response = await SendAsync(HttpMethod.Get, $"images/{image}/json", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        var inspect = await ReadJsonAsync(response, DockerJsonContext.Default.ImageInspectResponse, cancellationToken);
        return inspect.Config?.Labels ?? new Dictionary<string, string>();
    }

    public async Task<string?> GetImageIdAsync(string image, CancellationToken cancellationToken = default)
    {
        ValidateImageReference(image);
        using var response = await SendAsync(HttpMethod.Get, $"images/{image}/json", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        var inspect = await ReadJsonAsync(response, DockerJsonContext.Default.ImageInspectResponse, cancellationToken);
        return inspect.Id;
    }

    public async Task<ImageDetails?> InspectImageAsync(string image, CancellationToken cancellationToken = default)
    {
        ValidateImageReference(image);
        using var response = await SendAsync(HttpMethod.Get, $"images/{image}/json", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        var inspect = await ReadJsonAsync(response, DockerJsonContext.Default.ImageInspectResponse, cancellationToken);
        return new ImageDetails(inspect.Id ?? "", inspect.Config?.Env ?? [], inspect.RepoTags ?? []);
    }

    public async Task ExportContainerAsync(string id, Stream destination, CancellationToken cancellationToken = default)
    {
        // Streamed, never buffered: a runtime image's filesystem is hundreds of megabytes.
        using var response = await SendAsync(HttpMethod.Get, $"containers/{Escape(id)}/export", null, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await body.CopyToAsync(destination, cancellationToken);
    }

    public async Task<IReadOnlyList<ImageSummary>> ListImagesAsync(string? reference = null, CancellationToken cancellationToken = default)
    {
        var query = reference is null ? "" : "?filters=" + Escape(JsonSerializer.Serialize(
            new Dictionary<string, string[]> { ["reference"] = [reference] }, DockerJsonContext.Default.DictionaryStringStringArray));
        var items = await SendJsonAsync(HttpMethod.Get, $"images/json{query}", null,
            DockerJsonContext.Default.ListImageListItem, cancellationToken);
        return [.. items.Select(i => new ImageSummary(i.Id, i.RepoTags ?? []))];
    }

    public async Task RenameContainerAsync(string id, string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Escape(id)}/rename?name={Escape(name)}", null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task<string> CreateContainerAsync(ContainerCreateRequest request, string? name = null, CancellationToken cancellationToken = default)
    {
        var query = name is null ? "" : $"?name={Escape(name)}";
        var created = await SendJsonAsync(HttpMethod.Post, $"containers/create{query}",
            Json(request, DockerJsonContext.Default.ContainerCreateRequest), DockerJsonContext.Default.IdResponse, cancellationToken);
        return created.Id;
    }

    public async Task StartContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Escape(id)}/start", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified) return; // already started
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task<ContainerState> InspectContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        var c = await SendJsonAsync(HttpMethod.Get, $"containers/{Escape(id)}/json", null,
            DockerJsonContext.Default.ContainerInspectResponse, cancellationToken);
        var state = c.State ?? new ContainerStateResponse(null, false, false, 0, 0, null, null);
        return new ContainerState(
            c.Id,
            (c.Name ?? "").TrimStart('/'),
            state.Status ?? "unknown",
            state.Running,
            state.OomKilled,
            state.ExitCode,
            state.Pid,
            NullIfNever(state.StartedAt),
            NullIfNever(state.FinishedAt),
            c.Config?.Labels ?? []);
    }

    public async Task KillContainerAsync(string id, string signal = "SIGKILL", CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Escape(id)}/kill?signal={Escape(signal)}", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict) return; // "is not running": the goal is already met
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task RemoveContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"containers/{Escape(id)}?force=true&v=true", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return;
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            // A worker and the reaper may remove the same container at once; that race is benign.
            var error = ToException(409, await response.Content.ReadAsStringAsync(cancellationToken));
            if (error.Message.Contains("already in progress", StringComparison.OrdinalIgnoreCase)) return;
            throw error;
        }
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IReadOnlyList<string> labels, CancellationToken cancellationToken = default)
    {
        // No labels would list every container on the host, which no caller of this seam wants.
        ArgumentOutOfRangeException.ThrowIfZero(labels.Count);
        var filters = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = [.. labels] },
            DockerJsonContext.Default.DictionaryStringStringArray);
        var items = await SendJsonAsync(HttpMethod.Get, $"containers/json?all=true&filters={Escape(filters)}", null,
            DockerJsonContext.Default.ListContainerListItem, cancellationToken);
        return [.. items.Select(i => new ContainerSummary(
            i.Id,
            [.. (i.Names ?? []).Select(n => n.TrimStart('/'))],
            i.Image ?? "",
            i.State ?? "unknown",
            i.Labels ?? []))];
    }

    /// <remarks>
    /// The Engine extracts on the host side, through the container's root filesystem (measured on
    /// 20.10): with ReadonlyRootfs it answers 500 "container rootfs is marked read-only", and a
    /// tmpfs mounted inside the container is invisible to it (200 OK, yet the files land beneath
    /// the mount where the job never sees them). So Goxec delivers job files into its tmpfs work
    /// dir by piping a tar (see <see cref="TarArchive"/>) into an exec'd "tar -x" instead.
    /// </remarks>
    public async Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken = default)
    {
        var content = new StreamContent(tar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await SendAsync(HttpMethod.Put, $"containers/{Escape(id)}/archive?path={Escape(path)}", content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private static DateTimeOffset? NullIfNever(DateTimeOffset? time) => time is { Year: <= 1 } ? null : time;

    private static void ValidateImageReference(string image)
    {
        // References are [a-z0-9._/:@-] (plus upper case in tags/digests); anything else would let a
        // caller alter the request path.
        if (image.Length == 0 || !image.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or ':' or '@')
            || image.Split('/').Any(segment => segment is "" or "." or ".."))
            throw new ArgumentException($"'{image}' is not a valid image reference.", nameof(image));
    }
}
