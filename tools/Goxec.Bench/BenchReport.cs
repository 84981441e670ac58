using System.Text.Json.Serialization;

namespace Goxec.Bench;

/// <summary>Everything one run measured; written as bench.json next to the chart.</summary>
public sealed record BenchReport(
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    IReadOnlyList<string> Parts,
    bool Quick,
    IReadOnlyList<Scenario> Floors,
    IReadOnlyList<Scenario> EndToEnd,
    IngestResult? Ingest,
    SoakResult? Soak,
    double DurationSeconds,
    IReadOnlyList<LatencyFigure>? Latency = null);

public sealed record MachineInfo(int Cores, double LoadAverage1m, string Os, string Runtime);

/// <summary>
/// One measured scenario: latencies of each job (ms), how long the whole set took, and its ratios to
/// the floor it is judged against (latency: p50 over the floor's p50; throughput: jobs/s over the floor's).
/// </summary>
public sealed record Scenario(
    string Name,
    string Kind,
    string Language,
    string? Pool,
    int Concurrency,
    int Count,
    int Errors,
    double WallSeconds,
    double P50,
    double P90,
    double P99,
    double PerSecond,
    string? Floor,
    double? RatioP50,
    double? RatioPerSecond,
    IReadOnlyList<double> SamplesMs);

public sealed record IngestResult(
    int Requested,
    int Connections,
    int Accepted,
    int Refused,
    double WallSeconds,
    double AcceptedPerSecond,
    double P50,
    double P90,
    double P99,
    int Completed,
    int DeadLettered,
    int Lost,
    int Duplicates,
    double DrainSeconds,
    IReadOnlyList<string> RefusalSamples,
    double LoadAverage = 0);

/// <summary>One wait the queue adds (see <see cref="Latency"/>), in ms over <see cref="Count"/> jobs.</summary>
public sealed record LatencyFigure(string Name, int Count, double P50, double P90, double P99, IReadOnlyList<double> SamplesMs);

public sealed record SoakResult(double DurationSeconds, int Jobs, int Errors, IReadOnlyList<ProcessMemory> Processes);

/// <summary>RSS samples of one process and the least-squares slope after the warm-up fifth.</summary>
public sealed record ProcessMemory(string Name, double FirstMb, double LastMb, double SlopeMbPerMinute, IReadOnlyList<double> RssMb);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
