using System.Globalization;

namespace Goxec.Bench;

public sealed record BenchOptions
{
    public static readonly string[] Parts = ["floors", "e2e", "ingest", "soak", "latency"];

    /// <summary>Tiny counts: a smoke run that proves every scenario works, not a measurement.</summary>
    public bool Quick { get; init; }
    public string OutDir { get; init; } = ".goxec/bench";
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string> { "floors", "e2e", "ingest" };
    /// <summary>"on", "off", "both", or null to decide from whether the worker has a pool setting.</summary>
    public string? Pool { get; init; }
    public int? Ingest { get; init; }
    public int Connections { get; init; } = 32;
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 4, 16];
    public TimeSpan Soak { get; init; } = TimeSpan.FromMinutes(10);
    public int Workers { get; init; } = 2;
    public int LatencySamples { get; init; } = 30;

    public int IngestCount => Ingest ?? (Quick ? 60 : 2000);

    /// <summary>Jobs timed per concurrency level: enough for a p90, a few rounds of the level.</summary>
    public int JobsAt(int concurrency) => Quick ? Math.Max(2, concurrency) : Math.Max(20, concurrency * 4);

    public int FloorSamples => Quick ? 3 : 20;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--quick" => options with { Quick = true },
                "--out" => options with { OutDir = Next() },
                "--only" => options with { Only = ParseParts(Next()) },
                "--pool" => options with { Pool = Next() is "on" or "off" or "both" ? args[i] : throw new ArgumentException("--pool is on, off or both.") },
                "--ingest" => options with { Ingest = Positive("--ingest", Next()) },
                "--connections" => options with { Connections = Positive("--connections", Next()) },
                "--concurrency" => options with { Concurrency = [.. Next().Split(',').Select(c => Positive("--concurrency", c))] },
                "--soak" => options with { Soak = ParseDuration(Next()), Only = new HashSet<string>(options.Only) { "soak" } },
                "--workers" => options with { Workers = Positive("--workers", Next()) },
                "--latency" => options with { LatencySamples = Positive("--latency", Next()), Only = new HashSet<string>(options.Only) { "latency" } },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --quick --out DIR --only floors,e2e,ingest,soak,latency " +
                                                 "--pool on|off|both --ingest N --latency N --connections N --concurrency 1,4,16 --soak 10m --workers N"),
            };
        }
        return options;
    }

    private static HashSet<string> ParseParts(string value)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        var unknown = parts.Except(Parts).ToList();
        return unknown.Count == 0 && parts.Count > 0
            ? parts
            : throw new ArgumentException($"--only takes {string.Join(",", Parts)}; not {string.Join(",", unknown)}.");
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} takes positive whole numbers, not '{value}'.");

    /// <summary>"90s", "10m", "1h" or a plain number of seconds.</summary>
    internal static TimeSpan ParseDuration(string value)
    {
        var (number, unit) = value.Length > 0 && char.IsLetter(value[^1]) ? (value[..^1], value[^1]) : (value, 's');
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0)
            throw new ArgumentException($"--soak takes a duration such as 90s or 10m, not '{value}'.");
        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            _ => throw new ArgumentException($"--soak takes s, m or h, not '{unit}'."),
        };
    }
}
