using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Goxec.AppHost;
using Goxec.AppHost.Launch;
using Goxec.Graph;
using StackExchange.Redis;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Gateway;

/// <summary>
/// Redis and THREE Api replicas (no workers: jobs stay queued, and the tests play the worker through
/// the job store when they need a finish), plus one Api that allows any origin. Loopback is deliberately
/// not a trusted proxy.
/// </summary>
public sealed class GatewayGraphFixture : IAsyncLifetime
{
    public const string AdminKey = "gateway-test-admin";
    public const string WebhookSecret = "gateway-test-secret";
    public const int AnonymousBurst = 6;
    public const long MaxBacklog = 2_000;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public RunningGraph App { get; private set; } = null!;
    public ConnectionMultiplexer Redis { get; private set; } = null!;
    public IReadOnlyList<Uri> Replicas { get; private set; } = [];

    /// <summary>An Api that allows any origin (<c>*</c>), on the same Redis.</summary>
    public Uri AnyOriginApi { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var options = new GoxecGraphOptions
        {
            ApiPort = 0,
            ApiReplicas = 3,
            BuildWeb = false,
            Environment = new Dictionary<string, string>
            {
                ["Gateway__AdminKey"] = AdminKey,
                // The AppHost opens the operator views for a developer's local run; these tests prove a deployment's default.
                ["Gateway__OpenOperatorViews"] = "false",
                ["Gateway__WebhookSecret"] = WebhookSecret,
                ["Gateway__AllowPrivateCallbacks"] = "true",
                ["Gateway__WebhookBackoff"] = "00:00:00.200",
                ["Gateway__WebhookTimeout"] = "00:00:02",
                ["Gateway__Anonymous__Rate"] = "1",
                ["Gateway__Anonymous__Burst"] = $"{AnonymousBurst}",
                ["Gateway__Anonymous__MaxConcurrentJobs"] = "3",
                ["Gateway__TrustedProxies__0"] = "10.0.0.0/8",
                ["Gateway__AllowedOrigins__0"] = "https://ide.example.com",
                ["Gateway__MaxQueueBacklog"] = $"{MaxBacklog}",
                ["Gateway__BacklogCacheTime"] = "00:00:00.200",
                ["Submission__MaxRequestBytes"] = "1048576",
            },
        };
        App = await RunningGraph.StartAsync(options, cts.Token, builder =>
        {
            // The graph without its workers: the tests finish jobs themselves, through the job store.
            builder.Resources.Remove(builder.Resources.Single(r => r.Name == "worker"));
            // One more Api on the same Redis, set up alike (it shares the webhook consumer group) but letting any origin in.
            var redis = builder.CreateResourceBuilder((IResourceWithConnectionString)builder.Resources.Single(r => r.Name == "redis"));
            builder.AddProject<Projects.Goxec_Api>("api-any-origin", launchProfileName: null)
                .WithBuiltProgram()
                .WithReference(redis).WaitFor(redis)
                .WithHttpEndpoint(name: "http").WithHttpHealthCheck("/health")
                .WithEnvironment(context =>
                {
                    foreach (var (name, value) in options.Environment) context.EnvironmentVariables[name] = value;
                    context.EnvironmentVariables["Gateway__AllowedOrigins__0"] = "*";
                });
        });
        // Each replica's own address: a test that needs three replicas to agree talks to each one.
        Replicas = [.. App.GetReplicas("api").Select(r => r.Endpoint!)];
        AnyOriginApi = App.GetEndpoint("api-any-origin");
        Redis = await Infrastructure.RedisConnections.ConnectAsync(App.ConnectionString("redis"));
    }

    public async ValueTask DisposeAsync()
    {
        if (Redis is not null) await Redis.DisposeAsync();
        if (App is not null) await App.DisposeAsync();
    }

    /// <summary>A client of one replica, sending <paramref name="key"/> when given.</summary>
    public HttpClient Client(int replica = 0, string? key = null)
    {
        var http = new HttpClient { BaseAddress = Replicas[replica], Timeout = Timeout };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>
    /// A client whose connections come from <paramref name="source"/> (any 127.x.y.z: Linux routes the whole loopback
    /// /8), so one test has several anonymous callers, each with its own address and buckets.
    /// </summary>
    public HttpClient ClientFrom(string source, int replica = 0, string? key = null)
    {
        var http = new HttpClient(HandlerFrom(source)) { BaseAddress = Replicas[replica], Timeout = Timeout };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>Connects from <paramref name="source"/> (for <c>ClientWebSocket.ConnectAsync(uri, invoker, …)</c> too).</summary>
    public static SocketsHttpHandler HandlerFrom(string source) => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Creates an API key with the admin key and returns the secret.</summary>
    public async Task<string> CreateKeyAsync(string name, double rate, int burst, int maxConcurrentJobs = 100)
    {
        using var admin = Client(key: AdminKey);
        using var response = await admin.PostAsJsonAsync("/api/v1/keys", new { name, rate, burst, maxConcurrentJobs }, Ct).WaitAsync(Timeout, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct).WaitAsync(Timeout, Ct);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body.ToString());
        return body.GetProperty("key").GetString()!;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayGraphFixture>
{
    public const string Name = "gateway";
}
