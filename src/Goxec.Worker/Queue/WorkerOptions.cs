namespace Goxec.Worker.Queue;

public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>This replica's consumer name in the group. Must be unique and stable across restarts of the replica.</summary>
    public string ConsumerName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>
    /// The deployment this worker belongs to, as its containers are labelled on the engine; empty for the id its Redis
    /// holds (one per Redis). An AppHost gives its own, so that it can remove its deployment's containers when it stops.
    /// </summary>
    public string Cluster { get; set; } = "";

    /// <summary>Jobs run at once by this replica.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>How long a pending entry may go untouched before another worker takes it over.</summary>
    public TimeSpan ReclaimIdle { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often this worker looks for abandoned entries.</summary>
    public TimeSpan ReclaimInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Failed attempts (the sandbox could not run the job, seen by a worker) before a job goes to the dead letters.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Starts of any kind before a job goes to the dead letters. A worker vanishing mid-job is evidence
    /// against the worker more than the job, so it counts here and not in <see cref="MaxAttempts"/>;
    /// a job that takes down every worker it touches still ends in the dead letters.
    /// </summary>
    public int MaxDeliveries { get; set; } = 10;

    /// <summary>How long in-flight jobs may finish after SIGTERM before they are left for others.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Refresh of this worker's claims on running jobs; a third of the reclaim idle time.</summary>
    public TimeSpan HeartbeatInterval => ReclaimIdle / 3;
}
