using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Goxec.AppHost;
using Goxec.Graph;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Pipeline;

/// <summary>
/// The real graph — redis, the api and two worker processes, started by the AppHost through
/// Aspire.Hosting.Testing — started once for a collection of tests.
/// </summary>
public class GoxecGraphFixture : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    public const string AdminKey = "graph-test-admin";

    public RunningGraph App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        Prerequisite.RequireDocker();
        TestDriver.RequirePrerequisites(Driver);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        App = await RunningGraph.StartAsync(new GoxecGraphOptions
        {
            ApiPort = 0,
            Workers = 2,
            ApiReplicas = ApiReplicas,
            BuildWeb = BuildWeb,
            // Every graph's operator key and sandbox driver, whatever else a fixture sets: the suite acts as the operator.
            Environment = new Dictionary<string, string>(Environment().Concat(TestDriver.Settings(Driver))) { ["Gateway__AdminKey"] = AdminKey },
        }, cts.Token, dashboard: Dashboard);
        // The suite acts as the operator: dead-letter retries need the admin key, and the admin is not rate limited.
        Http = App.Aspire.CreateHttpClient("api");
        Http.Timeout = Timeout;
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
    }

    protected virtual int ApiReplicas => 1;

    /// <summary>The workers' sandbox driver: this run's (<see cref="TestDriver"/>) unless a fixture needs a given one.</summary>
    protected virtual string Driver => TestDriver.Current;

    /// <summary>Aspire's dashboard (and the OTLP export to it) is off unless a fixture wants it.</summary>
    protected virtual bool Dashboard => false;

    /// <summary>Builds src/Goxec.Web (when dist is stale) so the Api serves the browser app.</summary>
    protected virtual bool BuildWeb => false;

    /// <summary>The recent log lines of every process of the graph, for failure messages.</summary>
    public string RecentLogs() => App.RecentLogs();

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

    public Task<JsonElement> RunAsync(object job) => RunAsync(Http, job);

    /// <summary>Submits with <c>?wait=true</c> as <paramref name="http"/>'s caller and returns the finished job.</summary>
    protected async Task<JsonElement> RunAsync(HttpClient http, object job)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/jobs?wait=true", job, TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
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
