using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Goxec.Api.Gateway;
using Goxec.Api.Jobs;
using Goxec.Api.Streaming;
using Goxec.Jobs;

namespace Goxec.Api.Compat.Piston;

/// <summary>
/// One <c>/api/v2/connect</c> socket. A single loop reads the client (init, data, signal); everything sent goes
/// through one queue drained by <see cref="SubscriberPump"/>, so frames keep their order, a slow client is cut off
/// as on Goxec's own streams, and the close frame — whichever rule ended the session — is always the last frame.
/// </summary>
internal sealed class PistonSession(WebSocket socket, Caller caller, PistonRuntimes runtimes, JobSubmission submission, JobEventReader reader,
    JobEventLog log, SubmissionOptions options, StreamingOptions streaming, InteractiveOptions interactive, TimeSpan retention)
{
    /// <summary>Piston closes a socket that has not sent <c>init</c> within a second.</summary>
    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(1);

    private readonly Channel<JsonObject> _out = Channel.CreateBounded<JsonObject>(new BoundedChannelOptions(256) { SingleReader = true });
    private readonly Lock _lock = new();
    private (int Code, string Reason)? _close;
    private volatile bool _initialized;
    private volatile bool _finished;
    private JobInput? _input;
    private Task _events = Task.CompletedTask;

    public async Task RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pump = SubscriberPump.PumpAsync(socket, _out.Reader.ReadAllAsync(ct), o => Encoding.UTF8.GetBytes(o.ToJsonString()), streaming, ct,
            () => _close ?? (PistonCloseCodes.JobCompleted, "Job Completed"));
        var input = ReadClientAsync(stop.Token);
        var timer = ExpireInitAsync(stop.Token);
        await pump;
        // Our close frame is out; the client's reply ends the read loop. Cancelling a pending receive aborts the
        // socket, so that is only the fallback for a client that never answers.
        if (await Task.WhenAny(input, Task.Delay(streaming.SendTimeout, ct)) != input) await stop.CancelAsync();
        await input;
        await stop.CancelAsync();
        await timer;
        await _events;
        // Piston ends the job with its socket; a job left waiting for input would otherwise hold a sandbox.
        if (_input is not null && !_finished)
        {
            try { await _input.SignalAsync("SIGKILL", CancellationToken.None); }
            catch (Exception e) when (e is StackExchange.Redis.RedisConnectionException or TimeoutException) { } // the job's own limits still end it
        }
    }

    private async Task ExpireInitAsync(CancellationToken ct)
    {
        await Task.Delay(InitTimeout, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!ct.IsCancellationRequested && !_initialized) Finish(PistonCloseCodes.InitializationTimeout, "Initialization Timeout");
    }

    private async Task ReadClientAsync(CancellationToken ct)
    {
        try
        {
            while (await WebSocketMessages.ReceiveAsync(socket, interactive.MaxMessageBytes, ct) is { } bytes)
            {
                if (_close is not null) continue; // ending: only the client's close frame matters now
                await HandleAsync(bytes, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        catch (Exception e)
        {
            // An oversized message, or Redis failing under a submission or input. TryWrite: nothing here may
            // wait on a client that stopped reading.
            _out.Writer.TryWrite(new JsonObject { ["type"] = "error", ["message"] = e.Message });
            Finish(PistonCloseCodes.NotifiedError, "Notified Error");
        }
        Finish(PistonCloseCodes.JobCompleted, "Job Completed"); // the client went away: end the output side too
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        JsonElement message;
        try { message = JsonDocument.Parse(bytes).RootElement; }
        catch (JsonException e) { await FailAsync(e.Message, ct); return; }
        string? Text(string name) => message.ValueKind == JsonValueKind.Object && message.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString() : null;

        switch (Text("type"))
        {
            case "init" when _initialized:
                Finish(PistonCloseCodes.AlreadyInitialized, "Already Initialized");
                break;
            case "init":
                _initialized = true;
                if (await StartAsync(message, ct) is { } problem) await FailAsync(problem, ct);
                break;
            case "data" or "signal" when _input is null:
                Finish(PistonCloseCodes.NotYetInitialized, "Not yet initialized");
                break;
            case "data" when Text("stream") != "stdin":
                Finish(PistonCloseCodes.CanOnlyWriteToStdin, "Can only write to stdin");
                break;
            case "data":
                if (!await _input!.StdinAsync(Text("data") ?? "", ct)) await FailAsync($"More than {_input.MaxBytes} bytes of input", ct);
                break;
            case "signal" when Text("signal") is not { } signal || !JobInput.Signals.Contains(signal):
                Finish(PistonCloseCodes.InvalidSignal, "Invalid signal");
                break;
            case "signal":
                await _input!.SignalAsync(Text("signal")!, ct);
                break;
        }
    }

    /// <summary>Queues the job; null when it runs, or the message of Piston's <c>error</c> frame.</summary>
    private async Task<string?> StartAsync(JsonElement init, CancellationToken ct)
    {
        PistonExecuteRequest? body;
        try { body = init.Deserialize(PistonJsonContext.Default.PistonExecuteRequest); }
        catch (JsonException e) { return e.Message; }
        var (request, runtime, problem) = await PistonApi.TranslateAsync(body, runtimes, options, ct);
        if (request is null) return problem;
        var (prepared, errors) = await submission.PrepareAsync(request, ct);
        if (prepared is null) return string.Join("; ", errors.SelectMany(e => e.Value));
        var spec = prepared with { Interactive = true };
        var (_, refusal) = await submission.EnqueueAsync(spec, caller, null, ct);
        if (refusal is not null) return refusal.Detail;

        _input = new JobInput(log, spec.Id, interactive.MaxInputBytes, retention);
        await SendAsync(new JsonObject { ["type"] = "runtime", ["language"] = runtime!.Language.Id, ["version"] = runtime.Version }, ct);
        _events = ForwardEventsAsync(spec.Id, runtime.Language.Compiled, ct);
        return null;
    }

    /// <summary>The job's events as Piston's <c>stage</c>, <c>data</c> and <c>exit</c> frames; its result ends the session.</summary>
    private async Task ForwardEventsAsync(string id, bool compiled, CancellationToken ct)
    {
        var staged = false;
        try
        {
            await foreach (var e in reader.ReadAsync(id, null, ct))
            {
                var sent = e.Type switch
                {
                    JobEvents.Status when !staged && Json(e.Data).TryGetProperty("status", out var s) && s.GetString() == "running" =>
                        staged = await SendAsync(Stage(compiled ? "compile" : "run"), ct),
                    JobEvents.Stdout or JobEvents.Stderr => await SendAsync(new JsonObject { ["type"] = "data", ["stream"] = e.Type, ["data"] = e.Data }, ct),
                    JobEvents.Exit => await ExitAsync(Json(e.Data), ct),
                    JobEvents.Result => Result(Json(e.Data)),
                    _ => true,
                };
                if (!sent || e.Type == JobEvents.Result) return;
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            // Redis gone, or an event we cannot read: say so in Piston's way rather than leave the client waiting.
            _out.Writer.TryWrite(new JsonObject { ["type"] = "error", ["message"] = $"Lost the job's events: {e.Message}" });
            Finish(PistonCloseCodes.NotifiedError, "Notified Error");
        }
    }

    private async Task<bool> ExitAsync(JsonElement exit, CancellationToken ct)
    {
        var stage = exit.GetProperty("stage").GetString();
        var signal = exit.GetProperty("signal").GetString();
        int? code = exit.GetProperty("exitCode").ValueKind == JsonValueKind.Number ? exit.GetProperty("exitCode").GetInt32() : null;
        // Piston reports a signalled process with a null code, as Node's child_process does.
        var sent = await SendAsync(new JsonObject { ["type"] = "exit", ["stage"] = stage, ["code"] = signal is null ? code : null, ["signal"] = signal }, ct);
        return sent && (stage != "compile" || code != 0 || signal is not null || await SendAsync(Stage("run"), ct));
    }

    private bool Result(JsonElement job)
    {
        _finished = true;
        var failed = job.GetProperty("status").GetString() == "dead_lettered" || job.TryGetProperty("verdict", out var v) && v.GetString() == "internal_error";
        if (!failed)
        {
            Finish(PistonCloseCodes.JobCompleted, "Job Completed");
            return true;
        }
        var message = job.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "Internal error";
        _out.Writer.TryWrite(new JsonObject { ["type"] = "error", ["message"] = message });
        Finish(PistonCloseCodes.NotifiedError, "Notified Error");
        return true;
    }

    private async Task FailAsync(string message, CancellationToken ct)
    {
        await SendAsync(new JsonObject { ["type"] = "error", ["message"] = message }, ct);
        Finish(PistonCloseCodes.NotifiedError, "Notified Error");
    }

    /// <summary>The first reason to end wins; frames already queued still go out before the close frame.</summary>
    private void Finish(int code, string reason)
    {
        lock (_lock) _close ??= (code, reason);
        _out.Writer.TryComplete();
    }

    private async Task<bool> SendAsync(JsonObject frame, CancellationToken ct)
    {
        try
        {
            await _out.Writer.WriteAsync(frame, ct);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    private static JsonObject Stage(string stage) => new() { ["type"] = "stage", ["stage"] = stage };

    private static JsonElement Json(string data) => JsonDocument.Parse(data).RootElement;
}

/// <summary>Piston's WebSocket close codes (docs/api-v2.md).</summary>
internal static class PistonCloseCodes
{
    public const int AlreadyInitialized = 4000;
    public const int InitializationTimeout = 4001;
    public const int NotifiedError = 4002;
    public const int NotYetInitialized = 4003;
    public const int CanOnlyWriteToStdin = 4004;
    public const int InvalidSignal = 4005;
    public const int JobCompleted = 4999;
}
