using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Goxec.AppHost.Lifecycle;

/// <summary>
/// Restart policy for a local run, as compose's <c>restart: unless-stopped</c> and Kubernetes give the
/// published graph: DCP leaves a process that ended on its own as Finished or Exited, so a replica that
/// ends while Running (a crash, a SIGKILL, a SIGTERM from outside) is started again through its own
/// "start" command (the dashboard's Start), after <see cref="InitialDelay"/> doubling up to
/// <see cref="MaxDelay"/> (back to the start after a minute of uptime). A stop asked for (the
/// dashboard's Stop, the AppHost shutting down) passes through Stopping and is left alone.
/// </summary>
public sealed class RestartOnCrashAnnotation(TimeSpan initialDelay, TimeSpan maxDelay) : IResourceAnnotation
{
    public static readonly TimeSpan StableUptime = TimeSpan.FromMinutes(1);

    public TimeSpan InitialDelay { get; } = initialDelay;

    /// <summary>Equal to <see cref="InitialDelay"/> for a fixed delay, as a platform that replaces a lost pod at once.</summary>
    public TimeSpan MaxDelay { get; } = maxDelay < initialDelay ? initialDelay : maxDelay;

    /// <summary>The wait before the next restart of a replica that crashed after <paramref name="uptime"/>.</summary>
    public TimeSpan NextDelay(TimeSpan previous, TimeSpan uptime) =>
        uptime >= StableUptime || previous == TimeSpan.Zero
            ? InitialDelay
            : TimeSpan.FromTicks(Math.Clamp(previous.Ticks * 2, InitialDelay.Ticks, MaxDelay.Ticks));
}

public static class RestartOnCrashExtensions
{
    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> builder, TimeSpan initialDelay, TimeSpan maxDelay) where T : IResource
    {
        if (initialDelay <= TimeSpan.Zero) return builder;
        builder.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CrashRestarter>());
        return builder.WithAnnotation(new RestartOnCrashAnnotation(initialDelay, maxDelay), ResourceAnnotationMutationBehavior.Replace);
    }
}

internal sealed class CrashRestarter(
    ResourceNotificationService notifications, ResourceCommandService commands, ResourceLoggerService loggers,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Replica> _replicas = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(stoppingToken))
            {
                if (!change.Resource.TryGetLastAnnotation<RestartOnCrashAnnotation>(out var policy)) continue;
                var replica = _replicas.GetOrAdd(change.ResourceId, _ => new Replica());
                var state = change.Snapshot.State?.Text;
                var crashed = state is "Exited" or "Finished" or "Terminated"
                    && replica.LastState == KnownResourceStates.Running
                    && !lifetime.ApplicationStopping.IsCancellationRequested;
                if (state == KnownResourceStates.Running && replica.LastState != KnownResourceStates.Running) replica.RunningSince = DateTime.UtcNow;
                replica.LastState = state;
                if (crashed && !replica.Restarting)
                {
                    replica.Restarting = true;
                    _ = RestartAsync(change, replica, policy, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(ResourceEvent change, Replica replica, RestartOnCrashAnnotation policy, CancellationToken ct)
    {
        var logger = loggers.GetLogger(change.ResourceId);
        try
        {
            replica.Delay = policy.NextDelay(replica.Delay, DateTime.UtcNow - replica.RunningSince);
            logger.LogWarning("{Resource} exited with {ExitCode}; restarting in {Delay}", change.ResourceId, change.Snapshot.ExitCode, replica.Delay);
            await Task.Delay(replica.Delay, ct);
            var result = await commands.ExecuteCommandAsync(change.ResourceId, KnownResourceCommands.StartCommand, ct);
            if (!result.Success) logger.LogError("Restarting {Resource} failed: {Error}", change.ResourceId, result.Message);
            else replica.Restarts++;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            replica.Restarting = false;
        }
    }

    private sealed class Replica
    {
        public string? LastState { get; set; }
        public DateTime RunningSince { get; set; } = DateTime.UtcNow;
        public TimeSpan Delay { get; set; }
        public bool Restarting { get; set; }
        public int Restarts { get; set; }
    }
}
