using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polly;
using Polly.Registry;

namespace Goxec.Tests.Resilience;

/// <summary>The named outage pipeline every service gets from AddServiceDefaults, in process.</summary>
public class OutagePipelineTests
{
    private static ResiliencePipeline Outage()
    {
        var services = new ServiceCollection().AddLogging().AddGoxecResilience().BuildServiceProvider();
        return services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(ResiliencePipelines.Outage);
    }

    [Fact]
    public async Task A_step_that_fails_is_tried_again_until_it_succeeds()
    {
        var tries = 0;

        await Outage().ExecuteAsync(_ =>
        {
            if (++tries < 4) throw new IOException("Redis is away");
            return ValueTask.CompletedTask;
        }, TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(4, tries);
    }

    [Fact]
    public async Task Waiting_out_an_outage_ends_when_the_service_stops()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        var tries = 0;

        var waiting = Outage().ExecuteAsync(_ =>
        {
            tries++;
            throw new IOException("Redis is away");
        }, stopping.Token).AsTask();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.InRange(tries, 1, 10); // 100 ms doubling (with jitter): a handful of tries in 0.7 s, not a busy loop
    }
}
