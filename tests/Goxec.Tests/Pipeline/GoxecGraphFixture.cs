using System.Net.Http.Json;
using System.Text.Json;
using Goxec.AppHost;
using Goxec.Hosting;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Pipeline;

/// <summary>The real graph — redis, the api and two worker processes — started once for the pipeline tests.</summary>
public sealed class GoxecGraphFixture : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public DistributedApplication App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        Prerequisite.RequireDocker();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var builder = DistributedApplicationTestingBuilder.Create();
        GoxecGraph.Build(builder, new GoxecGraphOptions
        {
            ApiPort = 0,
            RedisPort = 0,
            Workers = 2,
            BuildWeb = false,
            Environment = new Dictionary<string, string>
            {
                ["Sandbox__RunWallTime"] = "00:00:03",
                ["Worker__Concurrency"] = "2",
            },
        });
        App = builder.Build();
        await App.StartAsync(cts.Token);
        Http = new HttpClient { BaseAddress = App.GetEndpoint("api"), Timeout = Timeout };
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (App is not null) await App.DisposeAsync();
    }

    public async Task<JsonElement> RunAsync(object job)
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/jobs?wait=true", job, TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("completed", body.GetProperty("status").GetString());
        return body;
    }
}

[CollectionDefinition(Name)]
public sealed class GraphCollection : ICollectionFixture<GoxecGraphFixture>
{
    public const string Name = "graph";
}
