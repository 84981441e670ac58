using System.Collections.Concurrent;
using System.Diagnostics;
using Goxec.Docker;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// Each language image's root filesystem as a plain directory, exported once per image id from a created
/// (never started) container and then bound read-only into every stage. The directory is named by the id,
/// so a rebuilt image gets a new one; <see cref="SweepAsync"/> retires those whose image has gone (removed,
/// or untagged by a rebuild). Every worker on a host shares the directory: an export goes to a private
/// temporary directory and is renamed into place, so the first to finish wins and none sees half of one.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class RootfsCache(IDockerClient docker, NamespaceOptions options, ILogger logger)
{
    public const string ExportLabel = "goxec.export";
    private const string ExportPrefix = ".export-";
    private const string TrashPrefix = ".trash-";
    private const string DeletingPrefix = ".deleting-";
    /// <summary>The longest an export may take (a runtime image of a gigabyte on a slow disk), after which it is abandoned.</summary>
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, (ImageDetails Image, long CheckedAt)> _images = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _exports = new(StringComparer.Ordinal);

    /// <param name="Fresh">False when the directory was already there (the "warm" start of this driver).</param>
    public sealed record Rootfs(string ImageId, string Directory, IReadOnlyList<string> Env, bool Fresh);

    /// <summary>The language image's root filesystem, exporting it first when this image id has none yet.</summary>
    public async Task<Rootfs> GetAsync(string image, CancellationToken ct)
    {
        var details = await ResolveAsync(image, ct)
            ?? throw new SandboxException($"The image {image} is not there: build it with ./goxec images.");
        var directory = DirectoryOf(details.Id);
        if (Directory.Exists(directory)) return new Rootfs(details.Id, directory, details.Env, Fresh: false);
        var export = _exports.GetOrAdd(details.Id, id => new Lazy<Task<string>>(() => ExportAsync(id)));
        try
        {
            // The export goes on for other jobs even if this one is cancelled.
            return new Rootfs(details.Id, await export.Value.WaitAsync(ct), details.Env, Fresh: true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _exports.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(details.Id, export));
            throw e as SandboxException ?? new SandboxException($"Could not export the root filesystem of {image}: {e.Message}", e);
        }
    }

    /// <summary>The image's id and environment, asked of the engine at most every <see cref="NamespaceOptions.ImageCheckInterval"/>.</summary>
    private async Task<ImageDetails?> ResolveAsync(string image, CancellationToken ct)
    {
        if (_images.TryGetValue(image, out var known) && Stopwatch.GetElapsedTime(known.CheckedAt) < options.ImageCheckInterval) return known.Image;
        ImageDetails? details;
        try
        {
            details = await docker.GetImageDetailsAsync(image, ct);
        }
        catch (DockerException e)
        {
            throw new SandboxException($"The container engine could not inspect {image}: {e.Message}", e);
        }
        if (details is null) _images.TryRemove(image, out _);
        else _images[image] = (details, Stopwatch.GetTimestamp());
        return details;
    }

    public string DirectoryOf(string imageId) => Path.Combine(options.RootfsDirectory, Hex(imageId));

    private async Task<string> ExportAsync(string imageId)
    {
        var hex = Hex(imageId);
        var final = DirectoryOf(imageId);
        Directory.CreateDirectory(options.RootfsDirectory);
        // One export per image across every worker of the host: the others wait for it, then use it.
        await using var exclusive = await LockAsync(Path.Combine(options.RootfsDirectory, $".{hex}.lock"));
        if (Directory.Exists(final)) return final;
        var temporary = Path.Combine(options.RootfsDirectory, $"{ExportPrefix}{hex}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(ExportTimeout);
        string? container = null;
        try
        {
            container = await docker.CreateContainerAsync(new ContainerCreateRequest
            {
                Image = imageId,
                Cmd = ["true"],
                NetworkDisabled = true,
                Labels = new Dictionary<string, string> { [ExportLabel] = hex },
                HostConfig = new HostConfig { NetworkMode = "none" },
            }, $"goxec-export-{hex[..12]}-{Guid.NewGuid():N}", timeout.Token);
            await ExtractAsync(container, temporary, timeout.Token);
            PrepareForSandbox(temporary);
            try
            {
                Directory.Move(temporary, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                Directory.Delete(temporary, recursive: true); // another worker finished first
            }
            logger.LogInformation("Exported the root filesystem of image {Image} in {Seconds:F1} s", imageId, Stopwatch.GetElapsedTime(started).TotalSeconds);
            return final;
        }
        catch
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            throw;
        }
        finally
        {
            if (container is not null) await docker.RemoveContainerAsync(container, CancellationToken.None);
        }
    }

    /// <summary>An exclusive lock (flock, which .NET takes for <see cref="FileShare.None"/>), waited for by polling.</summary>
    private static async Task<FileStream> LockAsync(string path)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Unpacks the export with the host's tar as root, keeping owners, modes and links exactly.</summary>
    private async Task ExtractAsync(string container, string directory, CancellationToken ct)
    {
        using var tar = Process.Start(new ProcessStartInfo("tar", ["-x", "--numeric-owner", "-p", "-f", "-", "-C", directory])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("tar did not start.");
        var errors = tar.StandardError.ReadToEndAsync();
        try
        {
            await docker.ExportContainerAsync(container, tar.StandardInput.BaseStream, ct);
        }
        finally
        {
            tar.StandardInput.Close();
        }
        await tar.WaitForExitAsync(ct);
        if (tar.ExitCode != 0) throw new SandboxException($"tar could not unpack the image: {(await errors).Trim()}");
    }

    /// <summary>
    /// What a container gets from its engine and the export leaves empty: name resolution for localhost,
    /// the host name. The work dir must exist as a mount point (the root is read-only in every stage).
    /// </summary>
    private void PrepareForSandbox(string root)
    {
        File.WriteAllText(Path.Combine(root, "etc/hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        File.WriteAllText(Path.Combine(root, "etc/hostname"), "sandbox\n");
        foreach (var mountPoint in (string[])["box", "tmp", "proc", "dev"])
            Directory.CreateDirectory(Path.Combine(root, mountPoint));
    }

    /// <summary>
    /// Retires directories whose image is gone (removed, or left untagged by a rebuild): renamed at once so no
    /// new stage binds them, deleted once no stage that bound them can still be running (<paramref name="grace"/>).
    /// Abandoned exports (a worker died mid-way) go too. Returns how many directories were deleted.
    /// </summary>
    public async Task<int> SweepAsync(TimeSpan grace, CancellationToken ct)
    {
        if (!Directory.Exists(options.RootfsDirectory)) return 0;
        var deleted = 0;
        foreach (var directory in Directory.EnumerateDirectories(options.RootfsDirectory))
        {
            var name = Path.GetFileName(directory);
            if (name.StartsWith(TrashPrefix, StringComparison.Ordinal) || name.StartsWith(ExportPrefix, StringComparison.Ordinal))
            {
                // Trash once no stage can still have it bound; an export once it must have been abandoned.
                var after = name.StartsWith(TrashPrefix, StringComparison.Ordinal) ? grace : ExportTimeout + TimeSpan.FromMinutes(5);
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(directory) > after && TryClaim(directory) is { } claimed)
                {
                    Directory.Delete(claimed, recursive: true);
                    deleted++;
                }
                continue;
            }
            if (name.StartsWith(DeletingPrefix, StringComparison.Ordinal))
            {
                // Another worker is deleting it; if that worker died doing so, the next sweep an hour on finishes it.
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(directory) > TimeSpan.FromHours(1) && TryClaim(directory) is { } abandoned)
                    Directory.Delete(abandoned, recursive: true);
                continue;
            }
            var image = await docker.GetImageDetailsAsync("sha256:" + name, ct);
            if (image is { RepoTags.Count: > 0 }) continue;
            var trash = Path.Combine(options.RootfsDirectory, $"{TrashPrefix}{name}-{Guid.NewGuid():N}");
            try
            {
                Directory.Move(directory, trash);
            }
            catch (IOException)
            {
                continue; // another worker retired it first
            }
            Directory.SetLastWriteTimeUtc(trash, DateTime.UtcNow);
            _exports.TryRemove(image?.Id ?? "sha256:" + name, out _);
            logger.LogInformation("Retired the root filesystem of image {Image}: the image is {State}", name, image is null ? "gone" : "untagged");
        }
        return deleted;
    }

    /// <summary>Renames a directory to a name of our own before deleting it, so two workers sweeping at once never delete the same one.</summary>
    private string? TryClaim(string directory)
    {
        var claimed = Path.Combine(options.RootfsDirectory, $"{DeletingPrefix}{Guid.NewGuid():N}");
        try
        {
            Directory.Move(directory, claimed);
            Directory.SetLastWriteTimeUtc(claimed, DateTime.UtcNow);
            return claimed;
        }
        catch (IOException)
        {
            return null; // gone or claimed by another worker
        }
    }

    private static string Hex(string imageId)
    {
        var hex = imageId.StartsWith("sha256:", StringComparison.Ordinal) ? imageId[7..] : imageId;
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower))
            throw new SandboxException($"'{imageId}' is not an image id.");
        return hex;
    }
}
