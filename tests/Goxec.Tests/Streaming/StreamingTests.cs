using Goxec.Tests.Pipeline;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;

namespace Goxec.Tests.Streaming;

[Collection(StreamingCollection.Name)]
public class StreamingTests(StreamingGraphFixture graph)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CancellationToken Within(TimeSpan timeout)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(timeout);
        return cts.Token;
    }

    private static string Type(JsonElement m) => m.GetProperty("type").GetString()!;

    [Fact]
    public async Task Output_arrives_while_the_program_runs()
    {
        var id = await graph.SubmitAsync(new { language = "python", code = "import time\nprint('first', flush=True)\ntime.sleep(2)\nprint('second')" });
        await using var client = await StreamClient.ConnectAsync(graph.Api(0), $"/api/v1/jobs/{id}/stream", Ct, key: GoxecGraphFixture.AdminKey);
        var ct = Within(Timeout);

        var clock = Stopwatch.StartNew();
        TimeSpan? firstLine = null;
        while (await client.ReceiveAsync(ct) is { } message)
        {
            if (firstLine is null && Type(message) == "stdout") firstLine = clock.Elapsed;
            if (Type(message) == "result") break;
        }
        var end = clock.Elapsed;

        Assert.NotNull(firstLine);
        Assert.True(end - firstLine > TimeSpan.FromSeconds(1.5), $"first line at {firstLine}, result at {end}: output was not live");
        Assert.Equal("first\nsecond\n", StreamClient.Output(client.Messages));
        var result = client.Messages.Last();
        Assert.Equal("completed", result.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await CloseStatusAsync(client, ct));
    }

    [Fact]
    public async Task A_late_subscriber_on_the_other_replica_gets_everything_in_order()
    {
        var job = await graph.RunAsync(new { language = "python", code = "import sys\nfor i in range(300):\n    print(i, flush=True)\n    print('e', i, file=sys.stderr, flush=True)" });
        var id = job.GetProperty("id").GetString()!;
        await using var client = await StreamClient.ConnectAsync(graph.Api(1), $"/api/v1/jobs/{id}/stream", Ct, key: GoxecGraphFixture.AdminKey);

        var messages = await client.ReadToEndAsync(Within(Timeout));

        Assert.Equal(job.GetProperty("run").GetProperty("stdout").GetString(), StreamClient.Output(messages));
        Assert.Equal(job.GetProperty("run").GetProperty("stderr").GetString(), StreamClient.Output(messages, "stderr"));
        var seqs = messages.Where(m => m.GetProperty("seq").ValueKind == JsonValueKind.Number).Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        Assert.Equal(["status", "status"], messages.Take(2).Select(Type)); // the job's state, then the attempt's "running"
        Assert.Contains(messages, m => Type(m) == "exit" && m.GetProperty("data").GetProperty("stage").GetString() == "run");
        Assert.Equal("result", Type(messages.Last()));
    }

    [Fact]
    public async Task A_reconnect_with_after_resumes_without_loss_or_duplicates()
    {
        var job = await graph.RunAsync(new { language = "python", code = "for i in range(2000):\n    print('line', i, flush=True)" });
        var id = job.GetProperty("id").GetString()!;
        var ct = Within(Timeout);

        long lastSeq;
        List<JsonElement> before;
        await using (var first = await StreamClient.ConnectAsync(graph.Api(0), $"/api/v1/jobs/{id}/stream", ct, key: GoxecGraphFixture.AdminKey))
        {
            while ((await first.ReceiveAsync(ct) is { } m) && first.Messages.Count(x => Type(x) == "stdout") < 3) { }
            before = first.Messages;
            lastSeq = before.Last().GetProperty("seq").GetInt64();
        }
        await using var second = await StreamClient.ConnectAsync(graph.Api(1), $"/api/v1/jobs/{id}/stream?after={lastSeq}", ct, key: GoxecGraphFixture.AdminKey);
        var after = await second.ReadToEndAsync(ct);

        Assert.Equal(job.GetProperty("run").GetProperty("stdout").GetString(), StreamClient.Output(before) + StreamClient.Output(after));
        Assert.All(after.Where(m => m.GetProperty("seq").ValueKind == JsonValueKind.Number), m => Assert.True(m.GetProperty("seq").GetInt64() > lastSeq));
    }

    [Fact]
    public async Task Server_sent_events_carry_the_same_messages()
    {
        var job = await graph.RunAsync(new { language = "python", code = "print('sse')" });
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{job.GetProperty("id").GetString()}/stream");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await graph.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct).WaitAsync(Timeout, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct).WaitAsync(Timeout, Ct);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("event: stdout", body);
        Assert.Contains("\"data\":\"sse\\n\"", body);
        Assert.Contains("event: result", body);
    }

    [Fact]
    public async Task A_guess_the_number_game_is_played_over_the_socket()
    {
        const string game = """
            secret = 37
            print('guess a number from 1 to 100', flush=True)
            tries = 0
            while True:
                guess = int(input())
                tries += 1
                if guess < secret: print('higher', flush=True)
                elif guess > secret: print('lower', flush=True)
                else:
                    print(f'got it in {tries}', flush=True)
                    break
            """;
        var ct = Within(TimeSpan.FromSeconds(20));
        await using var client = await StreamClient.ConnectAsync(graph.Api(1), "/api/v1/run", ct);
        await client.SendAsync(new { type = "init", language = "python", code = game }, ct);
        int low = 1, high = 100, guess = 0;
        try
        {
            while (await client.ReceiveAsync(ct) is { } message)
            {
                if (Type(message) == "result") break;
                if (Type(message) != "stdout") continue;
                var text = message.GetProperty("data").GetString()!;
                if (text.Contains("higher")) low = guess + 1;
                if (text.Contains("lower")) high = guess - 1;
                if (text.Contains("got it")) continue;
                guess = (low + high) / 2;
                await client.SendAsync(new { type = "stdin", data = $"{guess}\n" }, ct);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The game stalled. Messages:\n{string.Join('\n', client.Messages)}\nGraph:\n{graph.RecentLogs()}");
        }

        Assert.Equal(37, guess);
        Assert.Contains("got it in", StreamClient.Output(client.Messages));
        var result = client.Messages.Last().GetProperty("data");
        Assert.Equal("accepted", result.GetProperty("verdict").GetString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await CloseStatusAsync(client, ct));
    }

    [Fact]
    public async Task An_interactive_job_ends_on_eof_and_can_be_interrupted()
    {
        var ct = Within(Timeout);
        await using var echo = await StreamClient.ConnectAsync(graph.Api(0), "/api/v1/run", ct);
        await echo.SendAsync(new { type = "init", language = "python", code = "import sys\nprint(sys.stdin.read().upper(), end='')" }, ct);
        await echo.SendAsync(new { type = "stdin", data = "abc" }, ct);
        await echo.SendAsync(new { type = "eof" }, ct);
        var echoed = await echo.ReadToEndAsync(ct);

        await using var looping = await StreamClient.ConnectAsync(graph.Api(0), "/api/v1/run", ct);
        await looping.SendAsync(new { type = "init", language = "python", code = "import time\nprint('ready', flush=True)\nwhile True: time.sleep(1)" }, ct);
        while (await looping.ReceiveAsync(ct) is { } m && Type(m) != "stdout") { }
        await looping.SendAsync(new { type = "signal", signal = "SIGINT" }, ct);
        var interrupted = await looping.ReadToEndAsync(ct);

        Assert.Equal("ABC", StreamClient.Output(echoed));
        var result = interrupted.Last().GetProperty("data");
        Assert.Equal("runtime_error", result.GetProperty("verdict").GetString());
        Assert.Contains("KeyboardInterrupt", result.GetProperty("run").GetProperty("stderr").GetString());
    }

    [Fact]
    public async Task A_bad_init_is_refused_with_a_reason_and_4400()
    {
        var ct = Within(Timeout);
        await using var client = await StreamClient.ConnectAsync(graph.Api(0), "/api/v1/run", ct);
        await client.SendAsync(new { type = "init", language = "klingon", code = "x" }, ct);

        var messages = await client.ReadToEndAsync(ct);

        var error = Assert.Single(messages);
        Assert.Equal("error", Type(error));
        Assert.Contains("klingon", error.GetProperty("data").GetProperty("errors").GetProperty("language")[0].GetString());
        Assert.Equal((WebSocketCloseStatus)4400, client.CloseStatus);
    }

    [Fact]
    public async Task A_stalled_subscriber_is_cut_off_while_the_job_and_another_subscriber_carry_on()
    {
        var ct = Within(TimeSpan.FromSeconds(90));
        // About 24 MB of output: far more than the socket buffers between a server and a client that reads nothing.
        var id = await graph.SubmitAsync(new
        {
            language = "python",
            code = "import sys\nline = 'x' * 1000 + '\\n'\nfor i in range(24000):\n    sys.stdout.write(line)\nsys.stdout.flush()",
            limits = new { maxOutputBytes = StreamingGraphFixture.BigOutputBytes },
        });
        await using var stalled = await StreamClient.ConnectAsync(graph.Api(0), $"/api/v1/jobs/{id}/stream", ct, key: GoxecGraphFixture.AdminKey);
        await using var healthy = await StreamClient.ConnectAsync(graph.Api(1), $"/api/v1/jobs/{id}/stream", ct, key: GoxecGraphFixture.AdminKey);

        var everything = await healthy.ReadToEndAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // the stalled client's send timeout passes
        var cutOff = false;
        try
        {
            while (await stalled.ReceiveAsync(ct) is { } m) Assert.NotEqual("result", Type(m));
            cutOff = stalled.CloseStatus == (WebSocketCloseStatus)4008;
        }
        catch (WebSocketException)
        {
            cutOff = true; // the close frame could not be delivered either, so the connection was aborted
        }

        Assert.True(cutOff, $"the stalled client was not cut off (close status {stalled.CloseStatus})");
        Assert.Equal("result", Type(everything.Last()));
        Assert.Equal(24000 * 1001, StreamClient.Output(everything).Length);
        Assert.Equal("accepted", (await graph.GetJobAsync(id)).GetProperty("verdict").GetString());
    }

    private static async Task<WebSocketCloseStatus?> CloseStatusAsync(StreamClient client, CancellationToken ct)
    {
        while (await client.ReceiveAsync(ct) is not null) { }
        return client.CloseStatus;
    }
}
