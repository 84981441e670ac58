using Goxec.Graph;
using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Observability;

/// <summary>Its own graph: the test takes Redis away.</summary>
public class HealthTests(GoxecGraphFixture graph) : IClassFixture<GoxecGraphFixture>
{
    [Fact]
    public async Task Health_turns_unhealthy_while_redis_is_down_and_healthy_when_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        Uri[] services = [graph.App.GetEndpoint("api"), graph.App.GetReplicas("worker")[0].Endpoint!];
        foreach (var service in services) Assert.True(await IsHealthyAsync(service, ct), $"{service} is not healthy at the start");

        // Killed with a restart; the orchestrator waits (1 s at first) before starting it again. The outage is that
        // short, and a /health call during it can take the Redis check's 2 s timeout, so each service is watched
        // on its own: asked one after the other, the second would only be asked once Redis was back.
        var killed = graph.App.GetResource("redis").KillAsync(Signal.SIGKILL, ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await Task.WhenAll(services.Select(service => WaitForHealthAsync(service, healthy: false, deadline.Token)));
        await killed.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await Task.WhenAll(services.Select(service => WaitForHealthAsync(service, healthy: true, deadline.Token)));
    }

    private async Task WaitForHealthAsync(Uri service, bool healthy, CancellationToken deadline)
    {
        while (true)
        {
            var answer = await IsHealthyAsync(service, deadline);
            // A call cut off by the deadline says nothing about the service.
            if (deadline.IsCancellationRequested)
                Assert.Fail(healthy
                    ? $"{service} did not turn healthy again after Redis returned:\n{graph.RecentLogs()}"
                    : $"{service} /health never turned unhealthy while Redis was down");
            if (answer == healthy) return;
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private async Task<bool> IsHealthyAsync(Uri service, CancellationToken ct)
    {
        try
        {
            using var response = await graph.Http.GetAsync(new Uri(service, "/health"), ct).WaitAsync(TimeSpan.FromSeconds(10), ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
