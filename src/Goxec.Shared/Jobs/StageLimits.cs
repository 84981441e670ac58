namespace Goxec.Jobs;

/// <summary>
/// Limits for one stage as a request states them (<c>limits</c>, <c>compileLimits</c>): every field
/// is optional and the server fills the gaps from its defaults.
/// </summary>
public sealed record JobLimits(
    int? CpuTimeMs = null,
    int? WallTimeMs = null,
    int? MemoryMb = null,
    int? MaxProcesses = null,
    int? MaxOutputBytes = null,
    int? MaxFileSizeKb = null);

/// <summary>
/// Resolved limits for one stage: what the worker enforces. Settable so operators can bind defaults
/// and maxima from configuration (e.g. <c>Submission__RunMaxima__MemoryMb=512</c>).
/// </summary>
public sealed record StageLimits
{
    public int CpuTimeMs { get; set; } = 5_000;
    public int WallTimeMs { get; set; } = 10_000;
    public int MemoryMb { get; set; } = 256;
    public int MaxProcesses { get; set; } = 64;
    /// <summary>Per stream: stdout and stderr each.</summary>
    public int MaxOutputBytes { get; set; } = 1024 * 1024;
    public int MaxFileSizeKb { get; set; } = 16 * 1024;

    // In the spirit of Judge0: generous enough for contest programs, small enough for a shared host.
    public static StageLimits RunDefaults => new();
    public static StageLimits RunMaxima => new() { CpuTimeMs = 15_000, WallTimeMs = 30_000, MemoryMb = 1024, MaxProcesses = 256, MaxOutputBytes = 8 * 1024 * 1024, MaxFileSizeKb = 64 * 1024 };
    // Compilers (g++, rustc, kotlinc) need more room than the programs they build.
    public static StageLimits CompileDefaults => new() { CpuTimeMs = 10_000, WallTimeMs = 20_000, MemoryMb = 512, MaxProcesses = 64, MaxFileSizeKb = 64 * 1024 };
    public static StageLimits CompileMaxima => new() { CpuTimeMs = 30_000, WallTimeMs = 60_000, MemoryMb = 2048, MaxProcesses = 256, MaxOutputBytes = 8 * 1024 * 1024, MaxFileSizeKb = 256 * 1024 };

    /// <summary>The request's values where given, these otherwise.</summary>
    public StageLimits With(JobLimits? request) => request is null ? this with { } : new()
    {
        CpuTimeMs = request.CpuTimeMs ?? CpuTimeMs,
        WallTimeMs = request.WallTimeMs ?? WallTimeMs,
        MemoryMb = request.MemoryMb ?? MemoryMb,
        MaxProcesses = request.MaxProcesses ?? MaxProcesses,
        MaxOutputBytes = request.MaxOutputBytes ?? MaxOutputBytes,
        MaxFileSizeKb = request.MaxFileSizeKb ?? MaxFileSizeKb,
    };

    /// <summary>Each field no larger than the ceiling's: a worker never enforces less than its operator allows.</summary>
    public StageLimits AtMost(StageLimits ceiling) => new()
    {
        CpuTimeMs = Math.Min(CpuTimeMs, ceiling.CpuTimeMs),
        WallTimeMs = Math.Min(WallTimeMs, ceiling.WallTimeMs),
        MemoryMb = Math.Min(MemoryMb, ceiling.MemoryMb),
        MaxProcesses = Math.Min(MaxProcesses, ceiling.MaxProcesses),
        MaxOutputBytes = Math.Min(MaxOutputBytes, ceiling.MaxOutputBytes),
        MaxFileSizeKb = Math.Min(MaxFileSizeKb, ceiling.MaxFileSizeKb),
    };

    /// <summary>Name (as in JSON) and value of each field, for validation messages.</summary>
    public IEnumerable<(string Field, int Value)> Fields() =>
    [
        ("cpuTimeMs", CpuTimeMs), ("wallTimeMs", WallTimeMs), ("memoryMb", MemoryMb),
        ("maxProcesses", MaxProcesses), ("maxOutputBytes", MaxOutputBytes), ("maxFileSizeKb", MaxFileSizeKb),
    ];
}
