namespace Goxec.AppHost;

/// <summary>Knobs of the Goxec graph; defaults are for a developer's machine.</summary>
public sealed class GoxecGraphOptions
{
    /// <summary>GOXEC_PORT or 8080; 0 picks a free port.</summary>
    public int ApiPort { get; init; } = int.TryParse(System.Environment.GetEnvironmentVariable("GOXEC_PORT"), out var port) ? port : 8080;

    public int Workers { get; init; } = 2;

    /// <summary>
    /// GOXEC_ISOLATION or "runc": the tier jobs run in. "gvisor" runs them under gVisor (the workers' Sandbox__Runtime=runsc),
    /// which the Docker daemon of every worker host must have registered (scripts/gvisor.sh).
    /// </summary>
    public string Isolation { get; init; } = System.Environment.GetEnvironmentVariable("GOXEC_ISOLATION") is { Length: > 0 } isolation ? isolation : "runc";

    /// <summary>Api replicas; more than one needs ApiPort 0 (each takes a free port).</summary>
    public int ApiReplicas { get; init; } = 1;

    /// <summary>Off in tests that don't need the browser IDE.</summary>
    public bool BuildWeb { get; init; } = true;

    /// <summary>0 picks a free port, so a system Redis on 6379 does not get in the way.</summary>
    public int RedisPort { get; init; }

    /// <summary>"always" or "everysec": the durability/throughput trade-off of the AOF.</summary>
    public string AppendFsync { get; init; } = "everysec";

    /// <summary>Null for a fresh temp directory, deleted when the application is disposed.</summary>
    public string? RedisDataDir { get; init; }

    /// <summary>Extra environment for every project (e.g. test settings).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Restart backoff of a crashed worker replica (initial, max); null for the orchestrator's default.</summary>
    public (TimeSpan Initial, TimeSpan Max)? WorkerRestartBackoff { get; init; }
}
