using System.Net.WebSockets;
using System.Text.Json;

namespace Goxec.Tests.Compat;

/// <summary>
/// Piston v2's interactive WebSocket (<c>/api/v2/connect</c>, docs/api-v2.md): init → runtime, stage, data and exit
/// frames, stdin and signals from the client, and every documented close code. Against the real graph.
/// </summary>
[Collection(CompatCollection.Name)]
public class PistonConnectTests(CompatGraphFixture graph)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_interactive_python_run_echoes_stdin_and_ends_with_4999()
    {
        await using var ws = await PistonSocket.ConnectAsync(graph);
        await ws.SendAsync(new { type = "init", language = "python", version = "*", files = new[] { new { content = "print(input()[::-1], flush=True)" } } });
        var runtime = await ws.NextAsync("runtime");
        Assert.Equal("python", runtime.GetProperty("language").GetString());
        Assert.Matches(@"^\d+\.\d+", runtime.GetProperty("version").GetString());

        await ws.SendAsync(new { type = "data", stream = "stdin", data = "hello\n" });
        var (code, reason) = await ws.ReadToCloseAsync();

        Assert.Equal((4999, "Job Completed"), (code, reason));
        Assert.Equal(["runtime", "stage", "data", "exit"], ws.Types);
        Assert.Equal("run", ws.Of("stage")[0].GetProperty("stage").GetString());
        Assert.Equal("olleh\n", ws.Output("stdout"));
        var exit = ws.Of("exit").Single();
        Assert.Equal("run", exit.GetProperty("stage").GetString());
        Assert.Equal(0, exit.GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, exit.GetProperty("signal").ValueKind);
    }

    [Fact]
    public async Task A_compiled_language_has_a_compile_stage_then_a_run_stage()
    {
        await using var ws = await PistonSocket.ConnectAsync(graph);
        await ws.SendAsync(new { type = "init", language = "c", version = "*", files = new[] { new { name = "main.c", content = "#include <stdio.h>\nint main(void){fprintf(stderr, \"e\");puts(\"ok\");return 3;}" } } });

        Assert.Equal((4999, "Job Completed"), await ws.ReadToCloseAsync());
        Assert.Equal(["compile", "run"], ws.Of("stage").Select(s => s.GetProperty("stage").GetString()));
        Assert.Equal([("compile", 0), ("run", 3)], ws.Of("exit").Select(e => (e.GetProperty("stage").GetString(), e.GetProperty("code").GetInt32())));
        Assert.Equal("ok\n", ws.Output("stdout"));
        Assert.Equal("e", ws.Output("stderr"));
    }

    [Fact]
    public async Task SIGKILL_kills_the_program_once_and_the_job_finishes_once()
    {
        await using var ws = await PistonSocket.ConnectAsync(graph);
        await ws.SendAsync(new { type = "init", language = "python", version = "*", files = new[] { new { content = "import time\nprint('ready', flush=True)\ntime.sleep(120)" } } });
        await ws.NextAsync("data");

        await ws.SendAsync(new { type = "signal", signal = "SIGKILL" });

        Assert.Equal((4999, "Job Completed"), await ws.ReadToCloseAsync());
        // A retried job would run (and print) again; a killed container would end in an internal error (4002).
        Assert.Equal("ready\n", ws.Output("stdout"));
        var exit = ws.Of("exit").Single();
        Assert.Equal("SIGKILL", exit.GetProperty("signal").GetString());
        Assert.Equal(JsonValueKind.Null, exit.GetProperty("code").ValueKind);
    }

    [Fact]
    public async Task Other_signals_reach_the_programs_handlers()
    {
        await using var ws = await PistonSocket.ConnectAsync(graph);
        await ws.SendAsync(new
        {
            type = "init", language = "python", version = "*",
            files = new[] { new { content = "import signal, sys, time\nsignal.signal(signal.SIGUSR1, lambda *_: (print('got USR1', flush=True), sys.exit(7)))\nprint('ready', flush=True)\ntime.sleep(120)" } },
        });
        await ws.NextAsync("data");

        await ws.SendAsync(new { type = "signal", signal = "SIGUSR1" });

        Assert.Equal((4999, "Job Completed"), await ws.ReadToCloseAsync());
        Assert.Equal("ready\ngot USR1\n", ws.Output("stdout"));
        Assert.Equal(7, ws.Of("exit").Single().GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_signal_sent_before_the_program_started_is_delivered_when_it_starts()
    {
        await using var ws = await PistonSocket.ConnectAsync(graph);
        await ws.SendAsync(new { type = "init", language = "python", version = "*", files = new[] { new { content = "import time\ntime.sleep(120)\nprint('not killed')" } } });
        await ws.SendAsync(new { type = "signal", signal = "SIGKILL" });

        Assert.Equal((4999, "Job Completed"), await ws.ReadToCloseAsync());
        Assert.Equal("SIGKILL", ws.Of("exit").Single().GetProperty("signal").GetString());
        Assert.Equal("", ws.Output("stdout"));
    }

    [Fact]
    public async Task No_init_within_a_second_closes_with_4001()
    {
        await using var ws = await PistonSocket.ConnectAsync(graph);

        Assert.Equal((4001, "Initialization Timeout"), await ws.ReadToCloseAsync());
    }

    [Theory]
    [InlineData("data")]
    [InlineData("signal")]
    public async Task Input_before_init_closes_with_4003(string type)
    {
        await using var ws = await PistonSocket.ConnectAsync(graph);
        await ws.SendAsync(new { type, stream = "stdin", data = "x", signal = "SIGKILL" });

        Assert.Equal((4003, "Not yet initialized"), await ws.ReadToCloseAsync());
    }

    [Theory]
    [InlineData("""{"type":"init","language":"python","version":"*","files":[{"content":"x"}]}""", 4000, "Already Initialized")]
    [InlineData("""{"type":"data","stream":"stdout","data":"x"}""", 4004, "Can only write to stdin")]
    [InlineData("""{"type":"signal","signal":"SIGNOTAREALONE"}""", 4005, "Invalid signal")]
    public async Task Protocol_errors_after_init_close_with_Pistons_codes(string second, int code, string reason)
    {
        await using var ws = await PistonSocket.ConnectAsync(graph);
        await ws.SendAsync(new { type = "init", language = "python", version = "*", files = new[] { new { content = "import time\ntime.sleep(120)" } } });
        await ws.NextAsync("runtime");

        await ws.SendRawAsync(second);

        Assert.Equal((code, reason), await ws.ReadToCloseAsync());
    }

    [Theory]
    [InlineData("""{"type":"init","language":"brainfork","version":"*","files":[{"content":"x"}]}""", "brainfork-* runtime is unknown")]
    [InlineData("""{"type":"init","language":"python","version":"*"}""", "files is required as an array")]
    [InlineData("""not json""", null)]
    public async Task A_bad_init_is_an_error_frame_then_4002(string init, string? message)
    {
        await using var ws = await PistonSocket.ConnectAsync(graph);
        await ws.SendRawAsync(init);

        Assert.Equal((4002, "Notified Error"), await ws.ReadToCloseAsync());
        var error = ws.Of("error").Single().GetProperty("message").GetString();
        if (message is not null) Assert.Equal(message, error);
        else Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public async Task A_message_over_the_size_cap_is_an_error_then_4002()
    {
        await using var ws = await PistonSocket.ConnectAsync(graph);
        await ws.SendAsync(new { type = "init", language = "python", version = "*", files = new[] { new { content = new string('#', 600 * 1024) } } });

        Assert.Equal((4002, "Notified Error"), await ws.ReadToCloseAsync());
        Assert.Equal("A message may have at most 524288 bytes.", ws.Of("error").Single().GetProperty("message").GetString());
    }

    [Fact]
    public async Task Packages_list_what_is_installed_and_refuse_to_install_or_remove()
    {
        var (status, packages) = await graph.GetAsync("/api/v2/packages");
        Assert.Equal(200, status);
        var python = packages.EnumerateArray().Single(p => p.GetProperty("language").GetString() == "python");
        Assert.True(python.GetProperty("installed").GetBoolean());
        var version = python.GetProperty("language_version").GetString()!;
        Assert.Matches(@"^\d+\.\d+", version);

        var (installStatus, install) = await graph.PostAsync("/api/v2/packages", new { language = "python", version });
        Assert.Equal(501, installStatus);
        Assert.Contains("./goxec images", install.GetProperty("message").GetString());
        Assert.Equal(501, (await graph.SendAsync(HttpMethod.Delete, $"/api/v2/packages/python/{version}")).Status);

        var (unknownStatus, unknown) = await graph.PostAsync("/api/v2/packages", new { language = "cobolx", version = "1.0.0" });
        Assert.Equal(404, unknownStatus);
        Assert.Equal("Requested package cobolx-1.0.0 does not exist", unknown.GetProperty("message").GetString());
    }

    /// <summary>A Piston client socket that records every frame.</summary>
    private sealed class PistonSocket : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly List<JsonElement> _frames = [];

        public static async Task<PistonSocket> ConnectAsync(CompatGraphFixture graph)
        {
            var ws = new PistonSocket();
            var uri = new UriBuilder(graph.Http.BaseAddress!) { Scheme = "ws", Path = "/api/v2/connect" }.Uri;
            // As the operator, like the rest of the suite: no anonymous job cap between the tests.
            ws._socket.Options.SetRequestHeader("Authorization", graph.Http.DefaultRequestHeaders.Authorization!.ToString());
            await ws._socket.ConnectAsync(uri, Ct).WaitAsync(CompatGraphFixture.Timeout, Ct);
            return ws;
        }

        public List<string?> Types => [.. _frames.Select(f => f.GetProperty("type").GetString())];

        public List<JsonElement> Of(string type) => [.. _frames.Where(f => f.GetProperty("type").GetString() == type)];

        public string Output(string stream) => string.Concat(Of("data").Where(f => f.GetProperty("stream").GetString() == stream).Select(f => f.GetProperty("data").GetString()));

        public Task SendAsync(object frame) => SendRawAsync(JsonSerializer.Serialize(frame));

        public Task SendRawAsync(string text) =>
            _socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, Ct).WaitAsync(CompatGraphFixture.Timeout, Ct);

        /// <summary>Frames until one of <paramref name="type"/> arrives.</summary>
        public async Task<JsonElement> NextAsync(string type)
        {
            while (await ReceiveAsync() is { } frame)
                if (frame.GetProperty("type").GetString() == type) return frame;
            throw new InvalidOperationException($"closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}) before a {type} frame; got {string.Join(", ", Types)}");
        }

        public async Task<(int Code, string? Reason)> ReadToCloseAsync()
        {
            while (await ReceiveAsync() is not null) { }
            return ((int)_socket.CloseStatus!, _socket.CloseStatusDescription);
        }

        private async Task<JsonElement?> ReceiveAsync()
        {
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                var result = await _socket.ReceiveAsync(chunk, Ct).WaitAsync(CompatGraphFixture.Timeout, Ct);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                buffer.Write(chunk, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var frame = JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
                _frames.Add(frame);
                return frame;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2)); }
                catch (Exception e) when (e is WebSocketException or TimeoutException) { }
            }
            _socket.Dispose();
        }
    }
}
