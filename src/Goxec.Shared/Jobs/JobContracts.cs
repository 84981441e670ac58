using System.Text.Json.Serialization;

namespace Goxec.Jobs;

/// <summary>
/// The body of <c>POST /api/v1/jobs</c>. Everything is optional here; validation names what is wrong.
/// <see cref="CallbackUrl"/> receives the finished job as a signed POST (a webhook).
/// </summary>
public sealed record SubmitJobRequest(
    string? Language = null,
    string? Code = null,
    IReadOnlyList<SourceFile>? Files = null,
    string? Stdin = null,
    IReadOnlyList<string>? Args = null,
    JobLimits? Limits = null,
    JobLimits? CompileLimits = null,
    string? ExpectedOutput = null,
    string? CallbackUrl = null);

public sealed record SourceFile(string Name, string Content);

/// <summary>
/// A validated job as stored and as handed to a worker. Workers ignore <see cref="CallbackUrl"/> and
/// <see cref="CallbackFormat"/>: the Api delivers it. <see cref="MergeStderr"/> sends the run's stderr into its
/// stdout (one pipe, so in order); <see cref="CompilerArgs"/> are extra argv words after the compile command.
/// Both are set by the Judge0 adapter only.
/// </summary>
public sealed record JobSpec(
    string Id,
    string Language,
    IReadOnlyList<SourceFile> Files,
    string Stdin,
    IReadOnlyList<string> Args,
    DateTimeOffset CreatedAt,
    StageLimits? Limits = null,
    StageLimits? CompileLimits = null,
    string? ExpectedOutput = null,
    bool Interactive = false,
    string? CallbackUrl = null,
    bool MergeStderr = false,
    IReadOnlyList<string>? CompilerArgs = null,
    string? CallbackFormat = null);

[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("dead_lettered")] DeadLettered,
}

/// <summary>What happened to the user's program. <see cref="InternalError"/> is always our fault, never the user's.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    [JsonStringEnumMemberName("accepted")] Accepted,
    [JsonStringEnumMemberName("wrong_answer")] WrongAnswer,
    [JsonStringEnumMemberName("compile_error")] CompileError,
    [JsonStringEnumMemberName("runtime_error")] RuntimeError,
    [JsonStringEnumMemberName("time_limit_exceeded")] TimeLimitExceeded,
    [JsonStringEnumMemberName("memory_limit_exceeded")] MemoryLimitExceeded,
    [JsonStringEnumMemberName("output_limit_exceeded")] OutputLimitExceeded,
    [JsonStringEnumMemberName("internal_error")] InternalError,
}

/// <summary>
/// One stage (compile or run) as the user sees it. Times and memory are measured by the worker from
/// the container's cgroup, never taken from the program; where this host cannot measure one, it is null
/// (never 0) and <see cref="MeasurementNotes"/> says why, keyed by the field's JSON name ("cpuTimeMs",
/// "memoryKb"); an approximate figure carries a note too. <see cref="LimitExceeded"/> names the limit
/// that ended the stage (<see cref="StageLimit"/>). Output that is not valid UTF-8 comes back as base64
/// with its encoding set to <c>"base64"</c>.
/// </summary>
public sealed record StageResult(
    string Stdout,
    string Stderr,
    int? ExitCode,
    string? Signal,
    long WallTimeMs,
    bool TimedOut = false,
    bool OutputTruncated = false,
    long? CpuTimeMs = null,
    long? MemoryKb = null,
    string? LimitExceeded = null,
    string StdoutEncoding = StageResult.Utf8,
    string StderrEncoding = StageResult.Utf8,
    IReadOnlyDictionary<string, string>? MeasurementNotes = null)
{
    public const string Utf8 = "utf8";
    public const string Base64 = "base64";
}

/// <summary>The values of <see cref="StageResult.LimitExceeded"/>.</summary>
public static class StageLimit
{
    public const string Cpu = "cpu";
    public const string Wall = "wall";
    public const string Memory = "memory";
    public const string Output = "output";
}

/// <summary>The terminal outcome a worker stores. First one stored wins.</summary>
public sealed record JobResult(
    Verdict Verdict,
    StageResult? Compile,
    StageResult? Run,
    string? Message,
    string Worker,
    int Attempt);

/// <summary>The answer of <c>GET /api/v1/jobs/{id}</c>.</summary>
public sealed record JobView(
    string Id,
    string Language,
    JobStatus Status,
    Verdict? Verdict,
    StageResult? Compile,
    StageResult? Run,
    string? Message,
    int Attempts,
    string? Worker,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Code = null,
    IReadOnlyList<SourceFile>? Files = null,
    string? Stdin = null,
    IReadOnlyList<string>? Args = null);

public sealed record JobAccepted(string Id, JobStatus Status);
