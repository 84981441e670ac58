using System.Diagnostics;
using System.Formats.Tar;
using Goxec.Docker;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Docker;

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<BusyboxImage>
{
    // One collection: integration tests share the image and do not race each other on 2 cores.
    public const string Name = "Docker daemon";
}

/// <summary>
/// A tiny local image, built without any registry: the host's static busybox plus applet
/// symlinks, imported with "docker import". Built at most once per test run, and reused across
/// runs when it already exists.
/// </summary>
public sealed class BusyboxImage
{
    public const string Reference = "goxec-test/busybox:latest";

    private static readonly string[] Applets =
        ["sh", "cat", "echo", "sleep", "tar", "id", "ls", "stat", "touch", "mkdir", "rm", "env", "true", "false", "head", "wc", "tr", "grep"];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _ready;

    /// <summary>Requires Docker and busybox (skipping locally, failing in CI), then ensures the image.</summary>
    public async Task<string> EnsureAsync(IDockerClient docker, CancellationToken ct)
    {
        Prerequisite.RequireDocker();
        await _gate.WaitAsync(ct);
        try
        {
            if (_ready || await docker.ImageExistsAsync(Reference, ct)) return Reference;
            var busybox = Prerequisite.RequireExecutable("busybox", "apt-get install -y busybox-static");
            // A dynamically linked busybox (Debian's "busybox") would find no libc in the image.
            Prerequisite.Require(IsStaticallyLinked(busybox), $"a static busybox ({busybox} is dynamic)", "apt-get install -y busybox-static");
            var cli = Prerequisite.RequireExecutable("docker", "apt-get install -y docker.io");
            await ImportAsync(cli, RootFilesystem(busybox), ct);
            _ready = true;
            return Reference;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static byte[] RootFilesystem(string busyboxPath)
    {
        const UnixFileMode rwxr_xr_x = (UnixFileMode)0b111_101_101;
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "bin/") { Mode = rwxr_xr_x });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "tmp/") { Mode = (UnixFileMode)0b1_111_111_111 });
            using var binary = File.OpenRead(busyboxPath);
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = rwxr_xr_x, DataStream = binary });
            foreach (var applet in Applets)
                writer.WriteEntry(new UstarTarEntry(TarEntryType.SymbolicLink, $"bin/{applet}") { LinkName = "busybox", Mode = rwxr_xr_x });
        }
        return output.ToArray();
    }

    /// <summary>An ELF64 executable without a PT_INTERP program header needs no dynamic loader.</summary>
    internal static bool IsStaticallyLinked(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || !elf.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || elf[4] != 2) return false;
        var programHeaders = BitConverter.ToInt64(elf, 0x20);
        var entrySize = BitConverter.ToUInt16(elf, 0x36);
        var count = BitConverter.ToUInt16(elf, 0x38);
        for (var i = 0; i < count; i++)
        {
            const uint interpreter = 3; // PT_INTERP
            if (BitConverter.ToUInt32(elf, (int)(programHeaders + i * entrySize)) == interpreter) return false;
        }
        return true;
    }

    private static async Task ImportAsync(string cli, byte[] rootfs, CancellationToken ct)
    {
        var start = new ProcessStartInfo(cli)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "import", "--change", "ENV PATH=/bin", "--change", """CMD ["/bin/sleep", "3600"]""", "-", Reference },
        };
        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardInput.BaseStream.WriteAsync(rootfs, timeout.Token);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"docker import failed ({process.ExitCode}): {await stderr} {await stdout}");
    }
}

public sealed class BusyboxImageTests
{
    [Fact]
    public void Tells_static_from_dynamic_executables()
    {
        var dynamic = Prerequisite.RequireExecutable("ls", "coreutils");
        Assert.False(BusyboxImage.IsStaticallyLinked(dynamic));
        Assert.False(BusyboxImage.IsStaticallyLinked(typeof(BusyboxImageTests).Assembly.Location)); // not ELF

        var busybox = Prerequisite.RequireExecutable("busybox", "apt-get install -y busybox-static");
        Assert.True(BusyboxImage.IsStaticallyLinked(busybox));
    }
}
