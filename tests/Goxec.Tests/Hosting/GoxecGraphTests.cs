using Goxec.AppHost;
using Goxec.Hosting;
using static Goxec.Tests.Hosting.HostingTestSupport;

namespace Goxec.Tests.Hosting;

/// <summary>The real graph's model, checked without starting it; and the whole graph, started.</summary>
public sealed class GoxecGraphTests
{
    private static DistributedApplication BuildGraph(GoxecGraphOptions options)
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        GoxecGraph.Build(builder, options);
        return builder.Build();
    }

    [Fact]
    public async Task Projects_get_redis_their_urls_and_replica_identity_through_the_environment()
    {
        await using var app = BuildGraph(new GoxecGraphOptions
        {
            ApiPort = 0, Workers = 3, BuildWeb = false,
            Environment = new Dictionary<string, string> { ["Goxec__Test"] = "yes" },
        });

        var api = app.GetResource("api").BuildEnvironment();
        Assert.Equal(app.ConnectionString("redis"), api["ConnectionStrings__redis"]);
        Assert.Equal(app.GetEndpoint("api").ToString().TrimEnd('/'), api["ASPNETCORE_URLS"]);
        Assert.True(api.ContainsKey("ASPNETCORE_ENVIRONMENT"));
        Assert.Equal("yes", api["Goxec__Test"]);
        Assert.Equal("api", api["OTEL_SERVICE_NAME"]);

        Assert.Equal(["worker-0", "worker-1", "worker-2"], app.GetReplicas("worker").Select(w => w.Name));
        var worker = app.GetResource("worker-2").BuildEnvironment();
        Assert.Equal("2", worker["GOXEC_REPLICA"]);
        Assert.Equal("worker-2", worker["Worker__ConsumerName"]);
        Assert.Equal("worker", worker["OTEL_SERVICE_NAME"]);
        Assert.Equal(app.ConnectionString("redis"), worker["ConnectionStrings__redis"]);
        Assert.Equal(3, app.GetReplicas("worker").Select(w => w.Endpoint).Distinct().Count());
    }

    [Fact]
    public async Task The_api_waits_for_a_healthy_redis_and_a_completed_web_build()
    {
        await using var app = BuildGraph(new GoxecGraphOptions { ApiPort = 0, BuildWeb = false });

        var dependencies = app.GetResource("api").Resource.Dependencies.Select(d => (d.Resource.Name, d.Kind));

        Assert.Equal([("redis", WaitKind.Healthy), ("web", WaitKind.Completed)], dependencies);
        Assert.Equal("BuildWeb is off", app.GetResource("web").Resource.SkipReason());
        Assert.Equal("/health", app.GetResource("worker-0").Resource.HealthPath);
        Assert.EndsWith("src/Goxec.Api", ((ProjectResource)app.GetResource("api").Resource).ProjectPath);
    }

    [Fact]
    public void The_web_build_is_skipped_while_dist_is_newer_than_every_source_file()
    {
        var dir = Directory.CreateTempSubdirectory("goxec-web-");
        try
        {
            var source = Path.Combine(dir.FullName, "src", "main.ts");
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, "");
            Assert.False(NpmBuildResource.IsUpToDate(dir.FullName));

            var output = Path.Combine(dir.FullName, "dist", "index.html");
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            File.WriteAllText(output, "");
            File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(-5));
            Assert.True(NpmBuildResource.IsUpToDate(dir.FullName));

            File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(5));
            Assert.False(NpmBuildResource.IsUpToDate(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_project_that_was_not_built_fails_startup_saying_to_build_it()
    {
        var dir = Directory.CreateTempSubdirectory("goxec-unbuilt-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "Goxec.Unbuilt.csproj"), "<Project />");
            var builder = DistributedApplicationTestingBuilder.Create();
            builder.AddProject("unbuilt", new ProjectAt(dir.FullName));
            await using var app = builder.Build();

            var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync(TimeoutToken()));

            Assert.Contains("Goxec.Unbuilt.dll is missing. Build it first: dotnet build", error.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_whole_graph_starts_and_the_api_answers_health()
    {
        Goxec.Tests.Infrastructure.Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        Goxec.Tests.Infrastructure.Prerequisite.RequireDocker();
        var ct = TimeoutToken();
        await using var app = await GoxecTestGraph.StartAsync(
            new GoxecGraphOptions { ApiPort = 0, Workers = 2, BuildWeb = false, RedisPort = 0 }, ct, new TestOutputWriter());

        using var http = new HttpClient { BaseAddress = app.GetEndpoint("api") };
        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.All(app.GetReplicas("worker"), w => Assert.Equal(ResourceState.Healthy, w.State));
    }

    private sealed record ProjectAt(string ProjectPath) : IProjectMetadata;
}
