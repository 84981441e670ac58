using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;
using Engine = Docker.DotNet;

namespace Goxec.Docker;

/// <summary>
/// Goxec's seam over Docker.DotNet (testcontainers' maintained fork, its unix-socket transport): each call
/// gets a client span and maps the Engine's failures to <see cref="DockerException"/>s the worker acts on —
/// 404 not found, 409 conflict, 5xx or an unreachable daemon transient. Requests carry no API version
/// prefix, so the daemon answers in its own version: dockerd 20.10 (API 1.41) and today's engines, which
/// refuse versions below 1.44, alike. Thread-safe; keep one per process.
/// </summary>
public sealed partial class DockerClient : IDockerClient
{
    /// <summary>Client spans, one per Engine API call, when someone listens.</summary>
    public static readonly ActivitySource Source = new("Goxec.Docker");

    private readonly Engine.DockerClient _engine;
    private readonly DockerClientOptions _options;

    public DockerClient(DockerClientOptions? options = null)
    {
        _options = options ?? DockerClientOptions.FromEnvironment();
        _engine = new DockerClientBuilder().WithEndpoint(new Uri(_options.Endpoint)).WithTimeout(_options.RequestTimeout).Build();
    }

    public Task<DockerVersion> GetVersionAsync(CancellationToken cancellationToken = default) =>
        CallAsync("GET", "version", async ct =>
        {
            var version = await _engine.System.GetVersionAsync(ct);
            return new DockerVersion(version.Version, version.APIVersion);
        }, cancellationToken);

    public Task<IReadOnlySet<string>> GetRuntimesAsync(CancellationToken cancellationToken = default) =>
        CallAsync<IReadOnlySet<string>>("GET", "info", async ct => (await _engine.System.GetSystemInfoAsync(ct)).Runtimes?.Keys.ToHashSet() ?? [], cancellationToken);

    public void Dispose() => _engine.Dispose();

    private Task CallAsync(string method, string route, Func<CancellationToken, Task> call, CancellationToken ct) =>
        CallAsync<bool>(method, route, async c => { await call(c); return true; }, ct);

    /// <summary>Runs one Engine call inside a client span named like the request ("docker POST containers/{id}/start").</summary>
    private async Task<T> CallAsync<T>(string method, string route, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        using var span = Activity.Current is null ? null : Source.StartActivity($"docker {method} {route}", ActivityKind.Client);
        span?.SetTag("http.request.method", method);
        span?.SetTag("url.path", route);
        try
        {
            return await call(ct);
        }
        catch (Exception e) when (Map(e, ct) is { } mapped)
        {
            span?.SetTag("http.response.status_code", mapped.StatusCode);
            span?.SetStatus(ActivityStatusCode.Error, mapped.Message);
            throw mapped;
        }
    }

    /// <summary>The library's failure as ours, or null for what is not the Engine's (the caller's own cancellation).</summary>
    private DockerException? Map(Exception e, CancellationToken ct) => e switch
    {
        DockerApiException api => ToException((int)api.StatusCode, api.ResponseBody, api),
        OperationCanceledException when !ct.IsCancellationRequested =>
            new DockerException(504, $"The Docker Engine did not answer within {_options.RequestTimeout.TotalSeconds:0} s.", e),
        HttpRequestException or SocketException or IOException =>
            new DockerException(503, $"The Docker Engine at {_options.Endpoint} could not be reached: {e.Message}", e),
        _ => null,
    };

    /// <summary>Maps an Engine error (body {"message": ...}) to our exception types.</summary>
    internal static DockerException ToException(int status, string? body, Exception? inner = null)
    {
        var message = body ?? "";
        try
        {
            message = JsonDocument.Parse(message).RootElement.GetProperty("message").GetString() ?? message;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Not the Engine's JSON (e.g. a proxy's error page): keep the raw text, it is still the best clue.
        }
        message = string.IsNullOrWhiteSpace(message) ? $"The Docker Engine answered {status}." : message.Trim();
        return status switch
        {
            404 => new DockerNotFoundException(message, inner),
            409 => new DockerConflictException(message, inner),
            _ => new DockerException(status, message, inner),
        };
    }
}
