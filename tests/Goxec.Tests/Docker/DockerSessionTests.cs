using System.Text;
using Goxec.Docker;

namespace Goxec.Tests.Docker;

/// <summary>
/// The attached exec through the library against the real engine: stdin live while output is read, end of
/// input by half-closing the hijacked connection, and a container killed or removed under a running session.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerSessionTests(BusyboxImage image) : DockerTestBase(image)
{
    [Fact]
    public async Task Stdin_written_while_output_is_read_is_answered_line_by_line()
    {
        var id = await StartHardenedAsync();
        var exec = await Client.CreateExecAsync(id, new ExecCreateRequest
        {
            Cmd = ["sh", "-c", "while read line; do echo \"out $line\"; echo \"err $line\" >&2; done; echo done"],
            AttachStdin = true,
        }, Ct);
        await using var session = await Client.StartExecAsync(exec, Ct);
        var output = new Output();

        for (var i = 0; i < 3; i++)
        {
            await session.WriteStdinAsync(Encoding.UTF8.GetBytes($"line{i}\n"), Ct);
            // Answered before the next line is written: the process reads stdin while its output flows back.
            await output.ReadUntilAsync(session, $"out line{i}\n", $"err line{i}\n", Ct);
        }
        Assert.True((await Client.InspectExecAsync(exec, Ct)).Running);
        await session.CloseStdinAsync(Ct);
        await output.ReadToEndAsync(session, Ct);

        Assert.Equal("out line0\nout line1\nout line2\ndone\n", output.Stdout.ToString());
        Assert.Equal("err line0\nerr line1\nerr line2\n", output.Stderr.ToString());
        Assert.Equal(0, await ExitCodeAsync(exec));
    }

    [Fact]
    public async Task Half_closing_the_connection_is_end_of_input_while_output_keeps_coming()
    {
        var id = await StartHardenedAsync();
        var exec = await Client.CreateExecAsync(id, new ExecCreateRequest { Cmd = ["sh", "-c", "wc -c; sleep 0.2; echo after"], AttachStdin = true }, Ct);
        await using var session = await Client.StartExecAsync(exec, Ct);
        var input = new byte[200_000];

        await session.WriteStdinAsync(input, Ct);
        await Task.Delay(300, Ct);
        Assert.True((await Client.InspectExecAsync(exec, Ct)).Running); // wc waits for the end of input
        await session.CloseStdinAsync(Ct);
        var output = new Output();
        await output.ReadToEndAsync(session, Ct);

        Assert.Equal("200000\nafter\n", output.Stdout.ToString());
        Assert.Equal(0, await ExitCodeAsync(exec));
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.WriteStdinAsync(input, Ct));
    }

    [Fact]
    public async Task Killing_the_container_ends_a_running_session()
    {
        var id = await StartHardenedAsync();
        var exec = await Client.CreateExecAsync(id, new ExecCreateRequest { Cmd = ["sh", "-c", "echo started; exec sleep 600"], AttachStdin = true }, Ct);
        await using var session = await Client.StartExecAsync(exec, Ct);
        var output = new Output();
        await output.ReadUntilAsync(session, "started\n", "", Ct);

        await Client.KillContainerAsync(id, cancellationToken: Ct);
        await output.ReadToEndOrBreakAsync(session, Ct);

        await WaitUntilAsync(async () => !(await Client.InspectContainerAsync(id, Ct)).Running);
        Assert.False((await Client.InspectExecAsync(exec, Ct)).Running);
    }

    [Fact]
    public async Task Concurrent_kill_and_removes_of_one_container_all_succeed()
    {
        var id = await StartHardenedAsync();
        var exec = await Client.CreateExecAsync(id, new ExecCreateRequest { Cmd = ["sleep", "600"], AttachStdin = true }, Ct);
        await using var session = await Client.StartExecAsync(exec, Ct);
        var reading = new Output().ReadToEndOrBreakAsync(session, Ct);

        // A job's own removal, the reaper's, and a cancel's kill may meet on one container: none of them fails.
        await Task.WhenAll(Client.KillContainerAsync(id, cancellationToken: Ct), Client.RemoveContainerAsync(id, Ct), Client.RemoveContainerAsync(id, Ct),
            Client.KillContainerAsync(id, cancellationToken: Ct));
        await reading;

        await Assert.ThrowsAsync<DockerNotFoundException>(() => Client.InspectContainerAsync(id, Ct));
        await Assert.ThrowsAsync<DockerNotFoundException>(() => Client.KillContainerAsync(id, cancellationToken: Ct)); // gone is not "stopped"
        await Client.RemoveContainerAsync(id, Ct); // removing again is fine
    }

    [Fact]
    public async Task An_unreachable_engine_is_a_transient_docker_exception()
    {
        using var client = new DockerClient(new DockerClientOptions { Endpoint = "unix:///nonexistent/goxec-test.sock", RequestTimeout = TimeSpan.FromSeconds(5) });

        var error = await Assert.ThrowsAsync<DockerException>(() => client.GetVersionAsync(Ct));

        Assert.True(error.IsTransient, error.ToString());
        Assert.Contains("could not be reached", error.Message);
    }

    private async Task<int?> ExitCodeAsync(string exec)
    {
        ExecState? state = null;
        await WaitUntilAsync(async () => !(state = await Client.InspectExecAsync(exec, Ct)).Running);
        return state!.ExitCode;
    }

    private sealed class Output
    {
        public StringBuilder Stdout { get; } = new();
        public StringBuilder Stderr { get; } = new();

        public async Task ReadUntilAsync(IExecSession session, string stdout, string stderr, CancellationToken ct)
        {
            while (!Stdout.ToString().EndsWith(stdout, StringComparison.Ordinal) || !Stderr.ToString().EndsWith(stderr, StringComparison.Ordinal))
                if (!await ReadOneAsync(session, ct)) throw new InvalidOperationException($"The stream ended before '{stdout}'/'{stderr}': {Stdout}|{Stderr}");
        }

        public async Task ReadToEndAsync(IExecSession session, CancellationToken ct)
        {
            while (await ReadOneAsync(session, ct)) { }
        }

        /// <summary>Reads until the stream ends, cleanly or broken by the container going away.</summary>
        public async Task ReadToEndOrBreakAsync(IExecSession session, CancellationToken ct)
        {
            try { await ReadToEndAsync(session, ct); }
            catch (IOException) { }
        }

        private async Task<bool> ReadOneAsync(IExecSession session, CancellationToken ct)
        {
            if (await session.ReadFrameAsync(ct) is not { } frame) return false;
            (frame.Stream == OutputStream.Stderr ? Stderr : Stdout).Append(Encoding.UTF8.GetString(frame.Data.Span));
            return true;
        }
    }
}
