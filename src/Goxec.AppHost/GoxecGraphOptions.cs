using Microsoft.Extensions.Configuration;

namespace Goxec.AppHost;

/// <summary>
/// Knobs of the Goxec graph, read from the AppHost's configuration section <c>Goxec</c>
/// (<c>--Goxec:Workers=3</c>, <c>Goxec__Workers=3</c>, appsettings); defaults are for a developer's machine.
/// </summary>
public sealed class GoxecGraphOptions
{
    public const string Section = "Goxec";

    /// <summary>The API's port: GOXEC_PORT or 8080; 0 lets the orchestrator pick one.</summary>
    public int ApiPort { get; set; } = int.TryParse(System.Environment.GetEnvironmentVariable("GOXEC_PORT"), out var port) ? port : 8080;

    public int Workers { get; set; } = 2;

    public int ApiReplicas { get; set; } = 1;

    /// <summary>
    /// GOXEC_ISOLATION or "runc": the tier jobs run in. "gvisor" runs them under gVisor (the workers' Sandbox__Runtime=runsc),
    /// which the Docker daemon of every worker host must have registered (scripts/gvisor.sh).
    /// </summary>
    public string Isolation { get; set; } = System.Environment.GetEnvironmentVariable("GOXEC_ISOLATION") is { Length: > 0 } isolation ? isolation : "runc";

    /// <summary>Off in tests that don't need the browser IDE.</summary>
    public bool BuildWeb { get; set; } = true;

    /// <summary>"always" or "everysec": the durability/throughput trade-off of the AOF.</summary>
    public string AppendFsync { get; set; } = "everysec";

    /// <summary>Null for a fresh temp directory, deleted when the AppHost stops.</summary>
    public string? RedisDataDir { get; set; }

    /// <summary>
    /// The id the workers label their job and warm containers with (their Worker__Cluster): a new one per run unless
    /// given. When the AppHost stops, it removes every container that carries it (Lifecycle/ClusterTeardown).
    /// </summary>
    public string Cluster { get; set; } = "graph-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Extra environment for the Api and every worker (e.g. test settings): <c>Goxec:Environment:Worker__Concurrency=4</c>.</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    /// <summary>A crashed worker or Api replica is started again after this wait (doubling, up to <see cref="RestartMaxDelay"/>); zero turns restarts off.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts of a replica that keeps crashing; <see cref="RestartDelay"/> or less for a fixed delay.</summary>
    public TimeSpan RestartMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    public static GoxecGraphOptions From(IConfiguration configuration)
    {
        var options = new GoxecGraphOptions();
        configuration.GetSection(Section).Bind(options);
        if (options.Workers is < 1 or > 1000) throw new ArgumentException($"Goxec:Workers must be 1 to 1000, not {options.Workers}.");
        if (options.ApiReplicas is < 1 or > 100) throw new ArgumentException($"Goxec:ApiReplicas must be 1 to 100, not {options.ApiReplicas}.");
        if (options.AppendFsync is not ("always" or "everysec" or "no")) throw new ArgumentException($"Goxec:AppendFsync must be always, everysec or no, not '{options.AppendFsync}'.");
        if (options.Cluster.Length is 0 or > 64 || !options.Cluster.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException($"Goxec:Cluster must be 1 to 64 letters, digits, '-', '_' or '.', not '{options.Cluster}'.");
        return options;
    }
}
