using System.Globalization;
using Docker.DotNet.Models;
using M = global::Docker.DotNet.Models;

namespace Goxec.Docker;

public sealed partial class DockerClient
{
    public async Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken = default) =>
        await InspectImageAsync(image, cancellationToken) is not null;

    public async Task<IReadOnlyDictionary<string, string>?> GetImageLabelsAsync(string image, CancellationToken cancellationToken = default) =>
        await InspectImageAsync(image, cancellationToken) is { } inspect ? (inspect.Config?.Labels?.AsReadOnly() ?? new Dictionary<string, string>().AsReadOnly()) : null;

    public async Task<string?> GetImageIdAsync(string image, CancellationToken cancellationToken = default) =>
        (await InspectImageAsync(image, cancellationToken))?.ID;

    public Task<IReadOnlyList<ImageSummary>> ListImagesAsync(string? reference = null, CancellationToken cancellationToken = default)
    {
        var parameters = new ImagesListParameters();
        if (reference is not null) parameters.Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [reference] = true } };
        return CallAsync<IReadOnlyList<ImageSummary>>("GET", "images/json", async ct =>
            [.. (await _engine.Images.ListImagesAsync(parameters, ct)).Select(i => new ImageSummary(i.ID, [.. i.RepoTags ?? []]))], cancellationToken);
    }

    public Task RenameContainerAsync(string id, string name, CancellationToken cancellationToken = default) =>
        CallAsync("POST", "containers/{id}/rename", ct => _engine.Containers.RenameContainerAsync(id, new ContainerRenameParameters { NewName = name }, ct), cancellationToken);

    public Task<string> CreateContainerAsync(ContainerCreateRequest request, string? name = null, CancellationToken cancellationToken = default) =>
        CallAsync("POST", "containers/create", async ct => (await _engine.Containers.CreateContainerAsync(ToParameters(request, name), ct)).ID, cancellationToken);

    // False (304) when it was already started: the goal is met either way.
    public Task StartContainerAsync(string id, CancellationToken cancellationToken = default) =>
        CallAsync("POST", "containers/{id}/start", ct => _engine.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct), cancellationToken);

    public Task<ContainerState> InspectContainerAsync(string id, CancellationToken cancellationToken = default) =>
        CallAsync("GET", "containers/{id}/json", async ct =>
        {
            var c = await _engine.Containers.InspectContainerAsync(id, ct);
            var state = c.State;
            return new ContainerState(c.ID, (c.Name ?? "").TrimStart('/'), state?.Status ?? "unknown", state?.Running ?? false, state?.OOMKilled ?? false,
                (int)(state?.ExitCode ?? 0), (int)(state?.Pid ?? 0), Time(state?.StartedAt), Time(state?.FinishedAt),
                c.Config?.Labels?.AsReadOnly() ?? new Dictionary<string, string>().AsReadOnly());
        }, cancellationToken);

    public Task UpdateContainerAsync(string id, ContainerUpdateRequest request, CancellationToken cancellationToken = default) =>
        CallAsync("POST", "containers/{id}/update", ct => _engine.Containers.UpdateContainerAsync(id,
            new ContainerUpdateParameters { Memory = request.Memory, MemorySwap = request.MemorySwap, PidsLimit = request.PidsLimit }, ct), cancellationToken);

    public async Task KillContainerAsync(string id, string signal = "SIGKILL", CancellationToken cancellationToken = default)
    {
        try
        {
            await CallAsync("POST", "containers/{id}/kill", ct => _engine.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = signal }, ct), cancellationToken);
        }
        catch (DockerConflictException)
        {
            // "is not running": the goal is already met.
        }
    }

    public async Task RemoveContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            await CallAsync("DELETE", "containers/{id}", ct => _engine.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct),
                cancellationToken);
        }
        catch (DockerNotFoundException)
        {
            // Already gone.
        }
        catch (DockerConflictException e) when (e.Message.Contains("already in progress", StringComparison.OrdinalIgnoreCase))
        {
            // A worker and the reaper may remove the same container at once; that race is benign.
        }
    }

    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IReadOnlyList<string> labels, CancellationToken cancellationToken = default)
    {
        // No labels would list every container on the host, which no caller of this seam wants.
        ArgumentOutOfRangeException.ThrowIfZero(labels.Count);
        var filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels.ToDictionary(l => l, _ => true) };
        return CallAsync<IReadOnlyList<ContainerSummary>>("GET", "containers/json", async ct =>
        [
            .. (await _engine.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters }, ct)).Select(i => new ContainerSummary(
                i.ID, [.. (i.Names ?? []).Select(n => n.TrimStart('/'))], i.Image ?? "", i.State ?? "unknown",
                i.Labels?.AsReadOnly() ?? new Dictionary<string, string>().AsReadOnly())),
        ], cancellationToken);
    }

    /// <remarks>
    /// The Engine extracts on the host side, through the container's root filesystem (measured on
    /// 20.10): with ReadonlyRootfs it answers 500 "container rootfs is marked read-only", and a
    /// tmpfs mounted inside the container is invisible to it (200 OK, yet the files land beneath
    /// the mount where the job never sees them). So Goxec delivers job files into its tmpfs work
    /// dir by piping a tar (see <see cref="TarArchive"/>) into an exec'd "tar -x" instead.
    /// </remarks>
    public Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken = default) =>
        CallAsync("PUT", "containers/{id}/archive", ct => _engine.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = path }, tar, ct),
            cancellationToken);

    private async Task<ImageInspectResponse?> InspectImageAsync(string image, CancellationToken cancellationToken)
    {
        ValidateImageReference(image);
        try
        {
            return await CallAsync("GET", "images/{id}/json", ct => _engine.Images.InspectImageAsync(image, ct), cancellationToken);
        }
        catch (DockerNotFoundException)
        {
            return null;
        }
    }

    private static CreateContainerParameters ToParameters(ContainerCreateRequest r, string? name) => new()
    {
        Name = name!,
        Image = r.Image,
        // Null fields are left out of the request (the library writes no nulls): the Engine's defaults apply.
        Cmd = r.Cmd?.ToList()!,
        Env = r.Env?.ToList()!,
        User = r.User!,
        WorkingDir = r.WorkingDir!,
        Hostname = r.Hostname!,
        Labels = r.Labels?.ToDictionary()!,
        NetworkDisabled = r.NetworkDisabled,
        HostConfig = r.HostConfig is not { } h ? null! : new M.HostConfig
        {
            NetworkMode = h.NetworkMode!,
            Memory = h.Memory,
            MemorySwap = h.MemorySwap,
            MemorySwappiness = h.MemorySwappiness,
            NanoCPUs = h.NanoCpus,
            PidsLimit = h.PidsLimit,
            CapDrop = h.CapDrop?.ToList()!,
            CapAdd = h.CapAdd?.ToList()!,
            SecurityOpt = h.SecurityOpt?.ToList()!,
            ReadonlyRootfs = h.ReadonlyRootfs,
            Tmpfs = h.Tmpfs?.ToDictionary()!,
            Ulimits = h.Ulimits?.Select(u => new M.Ulimit { Name = u.Name, Soft = u.Soft, Hard = u.Hard }).ToList()!,
            IpcMode = h.IpcMode!,
            Init = h.Init,
            Runtime = h.Runtime!,
            Privileged = h.Privileged,
            LogConfig = h.LogConfig is { } log ? new M.LogConfig { Type = log.Type, Config = log.Config?.ToDictionary()! } : null!,
        },
    };

    /// <summary>The Engine writes "0001-01-01T00:00:00Z" for "never".</summary>
    private static DateTimeOffset? Time(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1 ? time : null;

    private static void ValidateImageReference(string image)
    {
        // References are [a-z0-9._/:@-] (plus upper case in tags/digests); anything else would let a
        // caller alter the request path.
        if (image.Length == 0 || !image.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or ':' or '@')
            || image.Split('/').Any(segment => segment is "" or "." or ".."))
            throw new ArgumentException($"'{image}' is not a valid image reference.", nameof(image));
    }
}
