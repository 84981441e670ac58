using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Goxec.Jobs;

namespace Goxec.Bench;

/// <summary>
/// The three waits the queue adds, one job at a time so none queues behind another: queue pickup (the job's
/// createdAt to its startedAt), the <c>?wait=true</c> wake-up (its finishedAt to the answer's arrival) and the
/// first live chunk (the program's own clock when it printed to the WebSocket message's arrival). Every clock is
/// this machine's (the container shares the host's), read through the public API only.
/// </summary>
public sealed class Latency(BenchOptions options, TextWriter progress)
{
    // Sleeps first, so the WebSocket is subscribed well before the line is printed: the figure is of live output, not replay.
    private const string FirstChunkProgram = "import time\ntime.sleep(0.5)\nprint(int(time.time() * 1000), flush=True)\n";

    public async Task<IReadOnlyList<LatencyFigure>> RunAsync(HttpClient http, CancellationToken ct)
    {
        var count = options.Quick ? 3 : options.LatencySamples;
        await EndToEnd.RunJobAsync(http, "python", "warm-up", ct);
        List<double> pickup = [], wake = [], chunk = [];
        for (var i = 0; i < count; i++)
        {
            var (picked, woke) = await WaitAsync(http, ct);
            pickup.Add(picked);
            wake.Add(woke);
            chunk.Add(await FirstChunkAsync(http, ct));
            if (!Console.IsOutputRedirected) progress.Write($"\r  latency: {i + 1}/{count}");
        }
        progress.WriteLine($"\r  latency: {count}/{count} jobs");
        return [Figure("queue pickup", pickup), Figure("wait wake-up", wake), Figure("first live chunk", chunk)];
    }

    private static LatencyFigure Figure(string name, List<double> samples) =>
        new(name, samples.Count, Stats.Round(Stats.Percentile(samples, 50)), Stats.Round(Stats.Percentile(samples, 90)),
            Stats.Round(Stats.Percentile(samples, 99)), [.. samples.Select(Stats.Round)]);

    private static async Task<(double Pickup, double Wake)> WaitAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/jobs?wait=true",
            new SubmitJobRequest("python", "print(1)", null, null, null), GoxecJsonContext.Default.SubmitJobRequest, ct);
        var arrived = DateTimeOffset.UtcNow;
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"latency: HTTP {(int)response.StatusCode}");
        var job = await response.Content.ReadFromJsonAsync(GoxecJsonContext.Default.JobView, ct)
            ?? throw new InvalidOperationException("latency: empty answer");
        if (job.StartedAt is not { } started || job.FinishedAt is not { } finished) throw new InvalidOperationException($"latency: job {job.Id} has no times");
        return ((started - job.CreatedAt).TotalMilliseconds, (arrived - finished).TotalMilliseconds);
    }

    private static async Task<double> FirstChunkAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/jobs",
            new SubmitJobRequest("python", FirstChunkProgram, null, null, null), GoxecJsonContext.Default.SubmitJobRequest, ct);
        var accepted = await response.Content.ReadFromJsonAsync(GoxecJsonContext.Default.JobAccepted, ct)
            ?? throw new InvalidOperationException("latency: empty answer");
        using var socket = new ClientWebSocket();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var uri = new UriBuilder(http.BaseAddress!) { Scheme = "ws", Path = $"/api/v1/jobs/{accepted.Id}/stream" }.Uri;
        await socket.ConnectAsync(uri, timeout.Token);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            if (received.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException($"latency: job {accepted.Id} ended without output");
            var arrived = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using var message = JsonDocument.Parse(buffer.AsMemory(0, received.Count));
            if (message.RootElement.GetProperty("type").GetString() != "stdout") continue;
            var printed = long.Parse(message.RootElement.GetProperty("data").GetString()!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            return arrived - printed;
        }
    }
}
