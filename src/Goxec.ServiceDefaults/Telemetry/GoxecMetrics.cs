using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>Goxec's own instruments. Durations are in seconds, as Prometheus expects.</summary>
public static class GoxecMetrics
{
    // Seconds, from a fast container start to a job that waited in a long queue.
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    };

    private static Meter Meter => GoxecDiagnostics.Meter;

    public static readonly Counter<long> JobsSubmitted = Meter.CreateCounter<long>("goxec.jobs.submitted", "{job}", "Jobs accepted and queued by the Api.");
    public static readonly Counter<long> JobsCompleted = Meter.CreateCounter<long>("goxec.jobs.completed", "{job}", "Jobs a worker finished with a verdict.");
    public static readonly Counter<long> JobsDeadLettered = Meter.CreateCounter<long>("goxec.jobs.dead_lettered", "{job}", "Jobs moved to the dead letters.");
    public static readonly Counter<long> JobsReclaimed = Meter.CreateCounter<long>("goxec.jobs.reclaimed", "{job}", "Abandoned entries a worker took over.");
    public static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>("goxec.ratelimit.rejections", "{request}", "Requests refused by a caller's token bucket.");
    public static readonly UpDownCounter<long> ContainersRunning = Meter.CreateUpDownCounter<long>("goxec.containers.running", "{container}", "Sandbox containers alive now.");

    /// <summary>Tagged language, result (hit: ran warm; miss: none idle; fallback: a warm one failed, the job ran fresh) and reason.</summary>
    public static readonly Counter<long> PoolTakes = Meter.CreateCounter<long>("goxec.pool.takes", "{take}", "Jobs that asked the warm pool for a container.");

    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram("goxec.job.queue_wait", "s", "From enqueue to a worker starting the job.", advice: Seconds);
    public static readonly Histogram<double> SandboxStart = Meter.CreateHistogram("goxec.sandbox.start", "s", "Creating and starting a container and delivering the files.", advice: Seconds);
    public static readonly Histogram<double> StageDuration = Meter.CreateHistogram("goxec.stage.duration", "s", "One stage (compile, run) of a job.", advice: Seconds);
    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram("goxec.job.duration", "s", "A job end to end, from submission to its stored result.", advice: Seconds);
}
