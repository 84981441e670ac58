using Goxec.Docker;

namespace Goxec.Tests.Docker;

/// <summary>Exec sessions in the hardened container: stdin, stdout/stderr, exit codes, file delivery.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerExecTests(BusyboxImage image) : DockerTestBase(image)
{
    [Fact]
    public async Task Hardened_container_runs_an_exec_fed_through_stdin()
    {
        var id = await StartHardenedAsync();

        var state = await Client.InspectContainerAsync(id, Ct);
        Assert.True(state.Running);
        Assert.Equal("running", state.Status);
        Assert.NotNull(state.StartedAt);
        Assert.Equal(RunId, state.Labels["goxec.test.run"]);

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

        var error = await Assert.ThrowsAnyAsync<DockerException>(() => Client.PutArchiveAsync(id, "/box", new MemoryStream(tar), Ct));

        Assert.Contains("read-only", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Archive_api_silently_misses_a_tmpfs_even_on_a_writable_rootfs()
    {
        await Image.EnsureAsync(Client, Ct);
        var request = Hardened(BusyboxImage.Reference);
        var id = await Client.CreateContainerAsync(request with { HostConfig = request.HostConfig! with { ReadonlyRootfs = false } }, cancellationToken: Ct);
        await Client.StartContainerAsync(id, Ct);
        var tar = TarArchive.Build([new TarArchiveFile("main.txt", "x"u8.ToArray())]);

        await Client.PutArchiveAsync(id, "/box", new MemoryStream(tar), Ct);
        var listing = await ExecAsync(id, ["ls", "-A", "/box"]);

        Assert.Equal(("", "", 0), listing); // 200 OK, yet the file landed beneath the mount
    }

    [Fact]
    public async Task Starting_an_unknown_exec_is_not_found()
    {
        await Image.EnsureAsync(Client, Ct);

        await Assert.ThrowsAsync<DockerNotFoundException>(() => Client.StartExecAsync("0123456789abcdef", Ct));
    }

    [Fact]
    public async Task Large_output_arrives_complete_across_many_frames()
    {
        var id = await StartHardenedAsync();

        var result = await ExecAsync(id, ["sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x; head -c 70000 /dev/zero | tr '\\0' y >&2"]);

        Assert.Equal(300_000, result.Stdout.Length);
        Assert.Equal(70_000, result.Stderr.Length);
        Assert.All(result.Stdout, c => Assert.Equal('x', c));
    }

    [Fact]
    public async Task Large_stdin_is_delivered_before_end_of_input()
    {
        var id = await StartHardenedAsync();
        var input = new byte[1024 * 1024];
        Random.Shared.NextBytes(input);

        var result = await ExecAsync(id, ["wc", "-c"], stdin: input);

        Assert.Equal(("1048576", "", 0), (result.Stdout.Trim(), result.Stderr, result.ExitCode));
    }
}
