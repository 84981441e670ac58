using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Goxec.AppHost;
using Goxec.AppHost.Lifecycle;
using Goxec.AppHost.Redis;
using Aspire.Hosting.Testing;
using Goxec.Graph;
using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Hosting;

/// <summary>The AppHost's model, built by its own Program and checked without starting it.</summary>
public sealed class GoxecGraphTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IDistributedApplicationTestingBuilder> ModelAsync(GoxecGraphOptions options) =>
        await RunningGraph.CreateBuilderAsync(options, Ct);

    private static IResource Resource(IDistributedApplicationTestingBuilder builder, string name) => builder.Resources.Single(r => r.Name == name);

    [Fact]
    public async Task Api_and_workers_wait_for_a_healthy_redis_and_the_api_for_the_web_build()
    {
        await using var builder = await ModelAsync(new GoxecGraphOptions { ApiPort = 0, Workers = 3, BuildWeb = true });

        var apiWaits = Resource(builder, "api").Annotations.OfType<WaitAnnotation>().Select(w => (w.Resource.Name, w.WaitType));
        var workerWaits = Resource(builder, "worker").Annotations.OfType<WaitAnnotation>().Select(w => (w.Resource.Name, w.WaitType));

        Assert.Equal([("redis", WaitType.WaitUntilHealthy), ("web", WaitType.WaitForCompletion)], apiWaits);
        Assert.Equal([("redis", WaitType.WaitUntilHealthy)], workerWaits);
        Assert.Equal(3, Resource(builder, "worker").GetReplicaCount());
        Assert.IsType<RedisServerResource>(Resource(builder, "redis"));
        Assert.All(["redis", "api", "worker"], name => Assert.True(Resource(builder, name).TryGetLastAnnotation<RestartOnCrashAnnotation>(out _), name));
    }

    [Fact]
    public async Task Without_the_web_build_there_is_no_web_resource()
    {
        await using var builder = await ModelAsync(new GoxecGraphOptions { ApiPort = 0, BuildWeb = false });

        Assert.DoesNotContain(builder.Resources, r => r.Name == "web");
        Assert.Equal([("redis", WaitType.WaitUntilHealthy)], Resource(builder, "api").Annotations.OfType<WaitAnnotation>().Select(w => (w.Resource.Name, w.WaitType)));
    }

    [Fact]
    public async Task Each_worker_gets_its_replica_index_as_consumer_name_and_projects_reference_redis()
    {
        var options = new GoxecGraphOptions { ApiPort = 0, BuildWeb = false, Environment = new() { ["Goxec__Test"] = "yes" } };
        await using var builder = await ModelAsync(options);
        var worker = (ProjectResource)Resource(builder, "worker");

        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        foreach (var callback in worker.Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context);
        var env = context.EnvironmentVariables;

        Assert.Equal("worker-" + GoxecGraph.ReplicaIndex, env["Worker__ConsumerName"]);
        Assert.Equal(GoxecGraph.ReplicaIndex, env["GOXEC_REPLICA"]);
        Assert.Equal("yes", env["Goxec__Test"]);
        // The run's own id on the engine's containers, which the AppHost removes when it stops.
        Assert.Equal(options.Cluster, env["Worker__Cluster"]);
        Assert.StartsWith("graph-", options.Cluster);
        Assert.IsType<ConnectionStringReference>(env["ConnectionStrings__redis"]);
        Assert.Contains(Resource(builder, "api").Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Resource.Name == "redis" && r.Type == "Reference");
    }

    [Fact]
    public async Task A_setting_replaces_the_one_aspire_gives_under_other_capitals()
    {
        await using var builder = await ModelAsync(new GoxecGraphOptions { ApiPort = 0, BuildWeb = false, Environment = new() { ["Logging__Console__FormatterName"] = "json" } });

        foreach (var name in new[] { "api", "worker" })
        {
            var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
            foreach (var callback in Resource(builder, name).Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context);

            // Aspire sets LOGGING__CONSOLE__FORMATTERNAME=simple; both spellings in one environment would leave the winner to chance.
            var formatter = Assert.Single(context.EnvironmentVariables, v => v.Key.Equals("Logging__Console__FormatterName", StringComparison.OrdinalIgnoreCase));
            Assert.Equal(("Logging__Console__FormatterName", "json"), (formatter.Key, formatter.Value));
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, true)]
    public async Task One_api_listens_on_its_port_itself_and_several_share_it_through_the_proxy(int replicas, bool proxied)
    {
        await using var builder = await ModelAsync(new GoxecGraphOptions { ApiPort = 0, ApiReplicas = replicas, BuildWeb = false });

        var endpoint = Assert.Single(Resource(builder, "api").Annotations.OfType<EndpointAnnotation>());

        Assert.Equal(proxied, endpoint.IsProxied);
        Assert.True(endpoint.IsExternal);
        var redis = Assert.Single(Resource(builder, "redis").Annotations.OfType<EndpointAnnotation>());
        Assert.False(redis.IsProxied);
        Assert.Equal("127.0.0.1", redis.TargetHost);
    }

    [Theory]
    [InlineData("--Goxec:Workers=0", "Goxec:Workers must be 1 to 1000, not 0.")]
    [InlineData("--Goxec:AppendFsync=sometimes", "Goxec:AppendFsync must be always, everysec or no, not 'sometimes'.")]
    [InlineData("--Goxec:Cluster=a b", "Goxec:Cluster must be 1 to 64 letters, digits, '-', '_' or '.', not 'a b'.")]
    public async Task Bad_settings_are_refused_naming_the_setting(string argument, string message)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DistributedApplicationTestingBuilder.CreateAsync(typeof(GoxecGraph), [argument], Ct));
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public void The_web_build_only_says_so_while_dist_is_newer_than_every_source_file()
    {
        var dir = Directory.CreateTempSubdirectory("goxec-web-");
        try
        {
            var source = Path.Combine(dir.FullName, "src", "main.ts");
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, "");
            Assert.False(WebBuild.IsUpToDate(dir.FullName));

            var output = Path.Combine(dir.FullName, "dist", "index.html");
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            File.WriteAllText(output, "");
            File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(-5));
            Assert.True(WebBuild.IsUpToDate(dir.FullName));

            File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(5));
            Assert.False(WebBuild.IsUpToDate(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

/// <summary>The running graph of the "graph" collection: what Aspire started, and how it keeps it running.</summary>
[Collection(GraphCollection.Name)]
public sealed class RunningGraphTests(GoxecGraphFixture graph)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Redis_the_api_and_two_named_workers_run_healthy()
    {
        using var response = await graph.Http.GetAsync("/health", Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["worker-0", "worker-1"], graph.App.GetReplicas("worker").Select(w => w.Name));
        Assert.All(graph.App.GetReplicas("worker"), w => Assert.Equal("worker-" + w.Replica, w.Environment("Worker__ConsumerName")));
        Assert.All(graph.App.Instances.Where(i => i.Resource.Name is "redis" or "api" or "worker"), i => Assert.True(i.IsHealthy, $"{i.Name}: {i.State}"));
        Assert.StartsWith("127.0.0.1:", graph.App.ConnectionString("redis"));
    }

    [Fact]
    public async Task A_worker_killed_with_SIGKILL_is_started_again_under_its_own_name()
    {
        var worker = graph.App.GetResource("worker-1");
        var pid = worker.ProcessId!.Value;

        await worker.KillAsync(Signal.SIGKILL, Ct).WaitAsync(Timeout, Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Timeout);
        await worker.WaitUntilAsync(w => w.ProcessId is { } now && now != pid, deadline.Token);
        await worker.WaitUntilAnsweringAsync(deadline.Token);

        Assert.False(PosixProcess.IsAlive(pid));
        Assert.Contains(worker.RecentLogs, line => line.Contains("restarting in", StringComparison.Ordinal));
        Assert.Equal("worker-1", worker.Environment("Worker__ConsumerName"));
    }
}
