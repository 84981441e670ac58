using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Goxec.Docker;

/// <summary>
/// A small Docker Engine API client: HTTP/1.1 over the daemon's unix socket. Thread-safe; keep
/// one per process (it pools connections). Calls are split by concern into partial files.
/// </summary>
public sealed partial class DockerClient : IDockerClient
{
    /// <summary>Client spans, one per Engine API call, when someone listens.</summary>
    public static readonly ActivitySource Source = new("Goxec.Docker");

    private readonly DockerClientOptions _options;
    private readonly string _socketPath;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _negotiation = new(1, 1);
    private volatile DockerVersion? _version;

    public DockerClient(DockerClientOptions? options = null)
    {
        _options = options ?? DockerClientOptions.FromEnvironment();
        _socketPath = _options.SocketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) => new NetworkStream(await ConnectSocketAsync(ct), ownsSocket: true),
            UseProxy = false,
            // The daemon may close idle keep-alive connections; don't hold on to them for long.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        // The host name is never resolved (ConnectCallback decides); it only fills the Host header.
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = _options.RequestTimeout };
    }

    /// <summary>The server's version, with <see cref="DockerVersion.ApiVersion"/> set to the negotiated version.</summary>
    public Task<DockerVersion> GetVersionAsync(CancellationToken cancellationToken = default) =>
        NegotiateAsync(cancellationToken);

    public void Dispose()
    {
        _http.Dispose();
        _negotiation.Dispose();
    }

    private async Task<DockerVersion> NegotiateAsync(CancellationToken ct)
    {
        if (_version is { } known) return known;
        await _negotiation.WaitAsync(ct);
        try
        {
            if (_version is { } raced) return raced;
            // Unversioned on purpose: every Engine answers /version, whatever API versions it speaks.
            using var response = await _http.GetAsync("version", ct);
            var server = await ReadJsonAsync(response, DockerJsonContext.Default.DockerVersion, ct);
            if (!Version.TryParse(server.ApiVersion, out var serverApi))
                throw new DockerException(502, $"The Docker Engine reported an unreadable API version '{server.ApiVersion}'.");
            var negotiated = serverApi < Version.Parse(DockerClientOptions.MaxApiVersion)
                ? server.ApiVersion
                : DockerClientOptions.MaxApiVersion;
            return _version = server with { ApiVersion = negotiated };
        }
        finally
        {
            _negotiation.Release();
        }
    }

    private async Task<Socket> ConnectSocketAsync(CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends to the negotiated /v1.xx prefix. The caller disposes the response.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var version = await NegotiateAsync(ct);
        // Not disposed: that would dispose the content, and PutArchive's stream belongs to its caller.
        // Our other contents are plain byte arrays, so nothing leaks.
        var request = new HttpRequestMessage(method, $"v{version.ApiVersion}/{pathAndQuery}") { Content = content };
        using var span = Activity.Current is null ? null : Source.StartActivity($"docker {method} {Route(pathAndQuery)}", ActivityKind.Client);
        span?.SetTag("http.request.method", method.Method);
        span?.SetTag("url.path", pathAndQuery.Split('?')[0]);
        try
        {
            var response = await _http.SendAsync(request, completion, ct);
            span?.SetTag("http.response.status_code", (int)response.StatusCode);
            if (span is not null && !response.IsSuccessStatusCode) span.SetStatus(ActivityStatusCode.Error);
            return response;
        }
        catch (Exception e) when (span is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    /// <summary>The path with ids replaced, so span names stay few: <c>containers/{id}/start</c>.</summary>
    private static string Route(string pathAndQuery)
    {
        var parts = pathAndQuery.Split('?')[0].Split('/');
        if (parts.Length >= 2 && parts[0] is "containers" or "exec" or "images" && parts[1] is not ("create" or "json")) parts[1] = "{id}";
        return string.Join('/', parts);
    }

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string pathAndQuery, HttpContent? content, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await SendAsync(method, pathAndQuery, content, ct);
        return await ReadJsonAsync(response, type, ct);
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct)
    {
        await EnsureSuccessAsync(response, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await JsonSerializer.DeserializeAsync(body, type, ct)
            ?? throw new DockerException((int)response.StatusCode, "The Docker Engine returned an empty body.");
    }

    private static HttpContent Json<T>(T value, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        throw ToException((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>Maps an Engine error (body {"message": ...}) to our exception types.</summary>
    internal static DockerException ToException(int status, string body)
    {
        var message = body;
        try
        {
            message = JsonSerializer.Deserialize(body, DockerJsonContext.Default.ErrorResponse)?.Message ?? body;
        }
        catch (JsonException)
        {
            // Not JSON (e.g. a proxy's error page): keep the raw text, it is still the best clue.
        }
        message = string.IsNullOrWhiteSpace(message) ? $"The Docker Engine answered {status}." : message.Trim();
        return status switch
        {
            404 => new DockerNotFoundException(message),
            409 => new DockerConflictException(message),
            _ => new DockerException(status, message),
        };
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
