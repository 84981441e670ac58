using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Goxec's error policy, named. An outage of something the service cannot work without (Redis away, a
/// stream that cannot be followed) is waited out: the step is retried with exponential backoff and
/// jitter until it succeeds or the service stops. A user's program failing is a verdict, never an
/// exception, so it never reaches a pipeline. Outgoing HTTP has the standard resilience handler
/// (<see cref="ServiceDefaultsExtensions.AddServiceDefaults{TBuilder}"/>); webhooks have their own.
/// </summary>
public static class ResiliencePipelines
{
    /// <summary>Retry until cancelled: 100 ms doubling to 5 s, with jitter, logging each failure.</summary>
    public const string Outage = "goxec-outage";

    public static IServiceCollection AddGoxecResilience(this IServiceCollection services)
    {
        services.AddResiliencePipeline(Outage, (pipeline, context) =>
        {
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(Outage);
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = retry =>
                {
                    logger.LogWarning("{Operation} failed ({Error}); retrying in {Delay}",
                        retry.Context.OperationKey ?? "A step", retry.Outcome.Exception?.Message, retry.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        });
        return services;
    }
}
