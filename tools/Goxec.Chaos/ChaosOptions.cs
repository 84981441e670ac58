namespace Goxec.Chaos;

public sealed record ChaosOptions
{
    public int Jobs { get; init; } = 500;
    public int Workers { get; init; } = 3;
    public TimeSpan KillEvery { get; init; } = TimeSpan.FromSeconds(2);
    public bool RestartRedis { get; init; } = true;
    public string AppendFsync { get; init; } = "always";
    /// <summary>Submissions in flight at once.</summary>
    public int Concurrency { get; init; } = 16;
    /// <summary>How long to wait for every accepted job to finish once the chaos stops.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>The workers' sandbox driver (Sandbox:Driver): "docker" or "namespaces".</summary>
    public string Driver { get; init; } = "docker";

    public static ChaosOptions Parse(string[] args)
    {
        var options = new ChaosOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--jobs" => options with { Jobs = int.Parse(Next()) },
                "--workers" => options with { Workers = int.Parse(Next()) },
                "--kill-every" => options with { KillEvery = TimeSpan.FromSeconds(double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture)) },
                "--no-redis-restart" => options with { RestartRedis = false },
                "--fsync" => options with { AppendFsync = Next() is "always" or "everysec" ? args[i] : throw new ArgumentException("--fsync is always or everysec.") },
                "--concurrency" => options with { Concurrency = int.Parse(Next()) },
                "--driver" => options with { Driver = Next() is "docker" or "namespaces" ? args[i] : throw new ArgumentException("--driver is docker or namespaces.") },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --jobs N --workers N --kill-every SECONDS --no-redis-restart --fsync always|everysec --concurrency N --driver docker|namespaces"),
            };
        }
        return options.Jobs > 0 && options.Workers > 0 && options.KillEvery > TimeSpan.Zero
            ? options
            : throw new ArgumentException("--jobs, --workers and --kill-every must be positive.");
    }
}
