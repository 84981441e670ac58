using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Retry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The error policy, named: transient infrastructure faults (a Redis reconnect, a Docker daemon
/// hiccup) are retried with exponential backoff and jitter; everything else fails at once.
/// A user's program failing is a verdict, never an exception, so it never reaches this policy.
/// </summary>
public static class ResilienceExtensions
{
    public const string Infrastructure = "goxec-infrastructure";

    public static IServiceCollection AddGoxecResilience(this IServiceCollection services) =>
        services.AddSingleton(_ => new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientFault.IsTransient),
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
            })
            .Build());
}

/// <summary>
/// Which faults are worth retrying: lost connections, timeouts, and faults that say so themselves. Redis is not
/// here: its client reconnects by itself, and its connection faults surface as timeouts or are handled by the caller.
/// </summary>
public static class TransientFault
{
    public static bool IsTransient(Exception e) => e switch
    {
        Goxec.ITransientFault fault => fault.IsTransient,
        TimeoutException or System.Net.Sockets.SocketException
            or System.Net.Http.HttpRequestException or IOException => true,
        _ => false,
    };
}
