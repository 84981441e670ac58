using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Goxec.AppHost;
using Goxec.Docker;
using Goxec.Graph;
using Goxec.Tests.Infrastructure;
using Goxec.Tests.Pipeline;
using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Hosting;

/// <summary>
/// A local run (the graph of <c>./goxec up</c>, or a test's) leaves nothing on the engine: with every worker killed while a
/// job runs and the pool waits, and no restarts to let a worker clean up after its previous self, stopping the graph
/// removes every container that carries its cluster id.
/// </summary>
public sealed class GraphTeardownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stopping_the_graph_removes_the_containers_its_killed_workers_left()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        Prerequisite.RequireDocker();
        using var docker = new DockerClient();
        var options = new GoxecGraphOptions
        {
            ApiPort = 0,
            Workers = 2,
            BuildWeb = false,
            RestartDelay = TimeSpan.Zero, // a restarted worker would reap its previous self's containers
            Environment = new(TestDriver.Settings("docker")) { ["Gateway__AdminKey"] = GoxecGraphFixture.AdminKey },
        };
        var graph = await RunningGraph.StartAsync(options, Ct);
        IReadOnlyList<ContainerSummary> before;
        try
        {
            using var http = graph.Aspire.CreateHttpClient("api");
            http.Timeout = Timeout;
            http.DefaultRequestHeaders.Authorization = new("Bearer", GoxecGraphFixture.AdminKey);
            using var submitted = await http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code = "import time\nprint('up', flush=True)\ntime.sleep(30)" }, Ct);
            var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct))
            {
                deadline.CancelAfter(Timeout);
                while (await StatusAsync(http, id) != "running") await Task.Delay(100, deadline.Token);
            }

            foreach (var worker in graph.GetReplicas("worker")) await worker.KillAsync(Signal.SIGKILL, Ct).WaitAsync(Timeout, Ct);
            before = await ListAsync(docker, options.Cluster);
            output.WriteLine($"left by the killed workers: {string.Join(", ", before.Select(c => $"{c.Names[0]} ({c.State})"))}");
            // The job's container at least: what the teardown must remove.
            Assert.Contains(before, c => c.Labels.ContainsKey(ContainerSpecFactory.JobLabel) || c.Names.Any(n => n.Contains(id, StringComparison.Ordinal)));
        }
        finally
        {
            await graph.DisposeAsync();
        }

        Assert.Empty(await ListAsync(docker, options.Cluster));
    }

    private static async Task<string?> StatusAsync(HttpClient http, string id) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}", Ct)).GetProperty("status").GetString();

    private static Task<IReadOnlyList<ContainerSummary>> ListAsync(DockerClient docker, string cluster) =>
        docker.ListContainersAsync([$"{ContainerSpecFactory.ClusterLabel}={cluster}"], Ct).WaitAsync(Timeout, Ct);
}
