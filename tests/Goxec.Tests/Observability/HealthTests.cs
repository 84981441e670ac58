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

        // Killed with a restart; the orchestrator waits (1 s at first) before starting it again.
        var killed = graph.App.GetResource("redis").KillAsync(Signal.SIGKILL, ct);
        var sawUnhealthy = new bool[services.Length];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (!sawUnhealthy.All(s => s))
        {
            for (var i = 0; i < services.Length; i++)
                sawUnhealthy[i] |= !await IsHealthyAsync(services[i], deadline.Token);
            if (deadline.IsCancellationRequested) Assert.Fail($"/health never turned unhealthy: {string.Join(", ", sawUnhealthy)}");
        }
        await killed.WaitAsync(TimeSpan.FromSeconds(30), ct);

        foreach (var service in services)
        {
            while (!await IsHealthyAsync(service, deadline.Token))
            {
                if (deadline.IsCancellationRequested) Assert.Fail($"{service} did not turn healthy again after Redis returned:\n{graph.RecentLogs()}");
                await Task.Delay(100, ct);
            }
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
