using System.Net.Http.Json;
using System.Text.Json;
using Goxec.AppHost;
using Goxec.Hosting;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Pipeline;

/// <summary>The real graph — redis, the api and two worker processes — started once for a collection of tests.</summary>
public class GoxecGraphFixture : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    public const string AdminKey = "graph-test-admin";

    public DistributedApplication App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        Prerequisite.RequireDocker();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        App = await Hosting.GoxecTestGraph.StartAsync(new GoxecGraphOptions
        {
            ApiPort = 0,
            RedisPort = 0,
            Workers = 2,
            ApiReplicas = ApiReplicas,
            BuildWeb = BuildWeb,
            // Every graph's operator key, whatever else a fixture sets: the suite acts as the operator.
            Environment = new Dictionary<string, string>(Environment()) { ["Gateway__AdminKey"] = AdminKey },
        }, cts.Token);
        // The suite acts as the operator: dead-letter retries need the admin key, and the admin is not rate limited.
        Http = new HttpClient { BaseAddress = App.GetEndpoint("api"), Timeout = Timeout };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
    }

    protected virtual int ApiReplicas => 1;

    /// <summary>Builds src/Goxec.Web (when dist is stale) so the Api serves the browser app.</summary>
    protected virtual bool BuildWeb => false;

    /// <summary>The recent log lines of every process of the graph, for failure messages.</summary>
    public string RecentLogs() =>
        string.Join('\n', App.Instances.SelectMany(i => i.RecentLogs.TakeLast(40).Select(line => $"{i.Name} | {line}")));

    /// <summary>Settings every process of the graph gets.</summary>
    protected virtual Dictionary<string, string> Environment() => new()
    {
        ["Sandbox__RunCeiling__WallTimeMs"] = "3000",
        ["Worker__Concurrency"] = "2",
    };

    public virtual async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (App is not null) await App.DisposeAsync();
    }

    public async Task<JsonElement> GetJobAsync(string id) =>
        await Http.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}", TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);

    /// <summary>Submits without waiting and returns the job id.</summary>
    public async Task<string> SubmitAsync(object job)
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/jobs", job, TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>Polls the job until <paramref name="condition"/> holds (or fails after <paramref name="within"/>).</summary>
    public async Task<JsonElement> WaitForJobAsync(string id, Func<JsonElement, bool> condition, TimeSpan within)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(within);
        while (true)
        {
            var job = await GetJobAsync(id);
            if (condition(job)) return job;
            try { await Task.Delay(100, deadline.Token); }
            catch (OperationCanceledException) { Assert.Fail($"Job {id} did not reach the expected state within {within}: {job}"); }
        }
    }

    /// <summary>Asserts the verdict, showing the whole job when it differs (the verdict alone rarely says why).</summary>
    public static void AssertVerdict(string expected, JsonElement job) =>
        Assert.True(job.GetProperty("verdict").GetString() == expected, $"Expected verdict {expected}, got: {job}");

    public async Task<JsonElement> RunAsync(object job)
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/jobs?wait=true", job, TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.True(body.GetProperty("status").GetString() == "completed", $"{body}\n{RecentLogs()}");
        return body;
    }
}

[CollectionDefinition(Name)]
public sealed class GraphCollection : ICollectionFixture<GoxecGraphFixture>
{
    public const string Name = "graph";
}
