using System.Text;
using Goxec.Docker;

namespace Goxec.Tests.Docker;

/// <summary>Against the real daemon. Every container carries goxec.test=1 and this instance's run label.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerClientIntegrationTests(BusyboxImage image) : IAsyncLifetime
{
    private readonly DockerClient _docker = new(DockerClientOptions.FromEnvironment());
    private readonly string _run = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private CancellationToken Ct => _timeout.Token;

    public ValueTask InitializeAsync()
    {
        _timeout.CancelAfter(TimeSpan.FromSeconds(60));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            foreach (var container in await _docker.ListContainersAsync([$"goxec.test.run={_run}"], cleanup.Token))
                await _docker.RemoveContainerAsync(container.Id, cleanup.Token);
        }
        catch (HttpRequestException)
        {
            // No daemon: the test was skipped and created nothing.
        }
        _docker.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Negotiates_api_version_141()
    {
        await image.EnsureAsync(_docker, Ct);

        var version = await _docker.GetVersionAsync(Ct);

        Assert.Equal("1.41", version.ApiVersion);
        Assert.False(string.IsNullOrEmpty(version.Version));
    }

    [Fact]
    public async Task Hardened_container_runs_an_exec_fed_through_stdin()
    {
        var id = await StartHardenedAsync();

        var state = await _docker.InspectContainerAsync(id, Ct);
        Assert.True(state.Running);
        Assert.Equal("running", state.Status);
        Assert.NotNull(state.StartedAt);
        Assert.Equal(_run, state.Labels["goxec.test.run"]);

        var result = await ExecAsync(id, ["cat"], stdin: "hello"u8.ToArray());

        Assert.Equal(("hello", "", 0), result);
    }

    [Fact]
    public async Task Container_runs_unprivileged_without_network_or_capabilities()
    {
        var id = await StartHardenedAsync();

        var result = await ExecAsync(id, ["sh", "-c", "id -u; id -g; grep CapEff /proc/self/status; ls /sys/class/net; touch /x 2>&1 || echo ro"]);

        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1000", lines[0]);
        Assert.Equal("1000", lines[1]);
        Assert.Equal("CapEff:\t0000000000000000", lines[2]);
        Assert.Equal("lo", lines[3]); // network disabled: loopback only
        Assert.Contains("Read-only file system", result.Stdout);
    }

    [Fact]
    public async Task Stderr_comes_back_as_stderr_frames()
    {
        var id = await StartHardenedAsync();

        var result = await ExecAsync(id, ["sh", "-c", "echo out; echo err >&2"]);

        Assert.Equal(("out\n", "err\n", 0), result);
    }

    [Fact]
    public async Task Exit_code_comes_from_exec_inspect()
    {
        var id = await StartHardenedAsync();

        var result = await ExecAsync(id, ["sh", "-c", "exit 3"]);

        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public async Task Files_reach_the_tmpfs_through_an_exec_tar()
    {
        var id = await StartHardenedAsync();
        var tar = TarArchive.Build([new TarArchiveFile("src/main.txt", "print(42)\n"u8.ToArray())]);

        var extract = await ExecAsync(id, ["tar", "-x", "-C", "/box"], stdin: tar);
        var read = await ExecAsync(id, ["sh", "-c", "cat /box/src/main.txt; stat -c '%u:%g %a' /box/src/main.txt"]);

        Assert.Equal(("", "", 0), extract);
        Assert.Equal(("print(42)\n1000:1000 644\n", "", 0), read);
    }

    [Fact]
    public async Task Archive_api_cannot_deliver_into_a_read_only_rootfs_or_a_tmpfs()
    {
        // Why Goxec pipes files into "tar -x" instead: the Engine extracts on the host side, where
        // the read-only rootfs refuses writes and the container's tmpfs mount is not visible.
        var id = await StartHardenedAsync();
        var tar = TarArchive.Build([new TarArchiveFile("main.txt", "x"u8.ToArray())]);

        var error = await Assert.ThrowsAnyAsync<DockerException>(() => _docker.PutArchiveAsync(id, "/box", new MemoryStream(tar), Ct));

        Assert.Contains("read-only", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Archive_api_silently_misses_a_tmpfs_even_on_a_writable_rootfs()
    {
        await image.EnsureAsync(_docker, Ct);
        var request = Hardened(BusyboxImage.Reference);
        var id = await _docker.CreateContainerAsync(request with { HostConfig = request.HostConfig! with { ReadonlyRootfs = false } }, cancellationToken: Ct);
        await _docker.StartContainerAsync(id, Ct);
        var tar = TarArchive.Build([new TarArchiveFile("main.txt", "x"u8.ToArray())]);

        await _docker.PutArchiveAsync(id, "/box", new MemoryStream(tar), Ct);
        var listing = await ExecAsync(id, ["ls", "-A", "/box"]);

        Assert.Equal(("", "", 0), listing); // 200 OK, yet the file landed beneath the mount
    }

    [Fact]
    public async Task Lists_containers_by_label()
    {
        var id = await StartHardenedAsync();

        var found = await _docker.ListContainersAsync(["goxec.test=1", $"goxec.test.run={_run}"], Ct);

        var container = Assert.Single(found);
        Assert.Equal(id, container.Id);
        Assert.Equal("running", container.State);
        Assert.Equal(BusyboxImage.Reference, container.Image);
    }

    [Fact]
    public async Task Removed_container_is_not_found_and_removing_again_is_fine()
    {
        var id = await StartHardenedAsync();

        await _docker.RemoveContainerAsync(id, Ct);

        await Assert.ThrowsAsync<DockerNotFoundException>(() => _docker.InspectContainerAsync(id, Ct));
        await _docker.RemoveContainerAsync(id, Ct);
    }

    [Fact]
    public async Task Killing_a_stopped_container_is_not_an_error()
    {
        var id = await StartHardenedAsync();

        await _docker.KillContainerAsync(id, cancellationToken: Ct);
        await WaitUntilAsync(async () => !(await _docker.InspectContainerAsync(id, Ct)).Running);
        await _docker.KillContainerAsync(id, cancellationToken: Ct);
    }

    [Fact]
    public async Task Duplicate_name_is_a_conflict()
    {
        await image.EnsureAsync(_docker, Ct);
        var name = $"goxec-test-{_run}";
        await _docker.CreateContainerAsync(Hardened(BusyboxImage.Reference), name, Ct);

        await Assert.ThrowsAsync<DockerConflictException>(() => _docker.CreateContainerAsync(Hardened(BusyboxImage.Reference), name, Ct));
    }

    [Fact]
    public async Task Missing_image_is_not_found()
    {
        await image.EnsureAsync(_docker, Ct);

        var error = await Assert.ThrowsAsync<DockerNotFoundException>(
            () => _docker.CreateContainerAsync(Hardened($"goxec-test/missing-{_run}:latest"), cancellationToken: Ct));
        Assert.Contains("No such image", error.Message);
        Assert.False(await _docker.ImageExistsAsync($"goxec-test/missing-{_run}:latest", Ct));
    }

    [Fact]
    public async Task Starting_an_unknown_exec_is_not_found()
    {
        await image.EnsureAsync(_docker, Ct);

        await Assert.ThrowsAsync<DockerNotFoundException>(() => _docker.StartExecAsync("0123456789abcdef", Ct));
    }

    private ContainerCreateRequest Hardened(string imageReference) => new()
    {
        Image = imageReference,
        Cmd = ["sleep", "3600"],
        User = "1000:1000",
        WorkingDir = "/box",
        NetworkDisabled = true,
        Labels = new Dictionary<string, string> { ["goxec.test"] = "1", ["goxec.test.run"] = _run },
        HostConfig = new HostConfig
        {
            NetworkMode = "none",
            Memory = 64 * 1024 * 1024,
            MemorySwap = 64 * 1024 * 1024,
            NanoCpus = 1_000_000_000,
            PidsLimit = 64,
            CapDrop = ["ALL"],
            SecurityOpt = ["no-new-privileges"],
            ReadonlyRootfs = true,
            // exec: compiled programs run from here; uid/gid: the unprivileged user owns its work dir.
            Tmpfs = new Dictionary<string, string> { ["/box"] = "rw,exec,nosuid,nodev,size=16m,uid=1000,gid=1000,mode=0755" },
            Ulimits = [new Ulimit("nofile", 256, 256), new Ulimit("core", 0, 0)],
            IpcMode = "private",
            Init = true,
        },
    };

    private async Task<string> StartHardenedAsync()
    {
        await image.EnsureAsync(_docker, Ct);
        var id = await _docker.CreateContainerAsync(Hardened(BusyboxImage.Reference), cancellationToken: Ct);
        await _docker.StartContainerAsync(id, Ct);
        return id;
    }

    private async Task<(string Stdout, string Stderr, int? ExitCode)> ExecAsync(string id, IReadOnlyList<string> cmd, byte[]? stdin = null)
    {
        var exec = await _docker.CreateExecAsync(id, new ExecCreateRequest { Cmd = cmd, AttachStdin = stdin is not null }, Ct);
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        await using (var session = await _docker.StartExecAsync(exec, Ct))
        {
            if (stdin is not null)
            {
                await session.WriteStdinAsync(stdin, Ct);
                await session.CloseStdinAsync(Ct);
            }
            while (await session.ReadFrameAsync(Ct) is { } frame)
                (frame.Stream == OutputStream.Stderr ? stderr : stdout).Append(Encoding.UTF8.GetString(frame.Data.Span));
        }
        ExecState? state = null;
        await WaitUntilAsync(async () => !(state = await _docker.InspectExecAsync(exec, Ct)).Running);
        return (stdout.ToString(), stderr.ToString(), state!.ExitCode);
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        while (!await condition()) await Task.Delay(10, Ct);
    }
}
