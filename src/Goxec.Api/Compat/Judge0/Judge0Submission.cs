using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Goxec.Jobs;

namespace Goxec.Api.Compat.Judge0;

/// <summary>A Goxec job shown as a Judge0 submission: seconds as strings, memory in KB, the requested fields only.</summary>
internal static class Judge0Submission
{
    public const string DefaultFields = "token,stdout,stderr,compile_output,message,time,memory,status";
    public const string Utf8Error = "some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true";

    private static readonly string[] AllFields =
    [
        "token", "source_code", "language_id", "stdin", "expected_output", "stdout", "status_id", "created_at", "finished_at",
        "time", "memory", "stderr", "compile_output", "exit_code", "exit_signal", "message", "wall_time", "status", "language",
    ];

    public static string Token(string id) => Guid.TryParseExact(id, "N", out var guid) ? guid.ToString("D") : id;

    public static string? JobId(string token) => Guid.TryParse(token, out var guid) ? guid.ToString("N") : null;

    /// <summary>The submission, or null when some text is not UTF-8 and base64 was not asked for (Judge0's 400).</summary>
    public static JsonObject? Render(JobView job, JobSpec? spec, string? fields, bool base64)
    {
        var run = job.Run;
        var compile = job.Compile;
        var status = Judge0Statuses.Of(job);
        var texts = new Dictionary<string, byte[]?>
        {
            ["source_code"] = Utf8(spec?.Files.FirstOrDefault()?.Content),
            ["stdin"] = Utf8(spec?.Stdin),
            ["expected_output"] = Utf8(spec?.ExpectedOutput),
            ["stdout"] = Bytes(run?.Stdout, run?.StdoutEncoding),
            ["stderr"] = Bytes(run?.Stderr, run?.StderrEncoding),
            ["compile_output"] = compile is null ? null : Concat(Bytes(compile.Stdout, compile.StdoutEncoding), Bytes(compile.Stderr, compile.StderrEncoding)),
            ["message"] = Utf8(Message(job)),
        };
        var wanted = fields is null or "" ? DefaultFields.Split(',') : fields == "*" ? AllFields : fields.Split(',', StringSplitOptions.TrimEntries);
        var language = Judge0Languages.IdOf(job.Language);
        var o = new JsonObject();
        foreach (var field in wanted)
        {
            if (texts.TryGetValue(field, out var bytes))
            {
                if (bytes is null) { o[field] = null; continue; }
                if (base64) { o[field] = Convert.ToBase64String(bytes); continue; }
                try { o[field] = new UTF8Encoding(false, true).GetString(bytes); }
                catch (DecoderFallbackException) { return null; }
                continue;
            }
            JsonNode? value = field switch
            {
                "token" => Token(job.Id),
                "language_id" => language,
                "status_id" => status.Id,
                "status" => new JsonObject { ["id"] = status.Id, ["description"] = status.Description },
                "language" => language is { } l ? new JsonObject { ["id"] = l, ["name"] = Judge0Languages.Find(l)!.Name } : null,
                "created_at" => job.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                "finished_at" => job.FinishedAt?.ToString("O", CultureInfo.InvariantCulture),
                "time" => Seconds(Measured(job)?.CpuTimeMs),
                "wall_time" => Seconds(Measured(job)?.WallTimeMs),
                "memory" => Measured(job)?.MemoryKb,
                "exit_code" => run?.ExitCode,
                "exit_signal" => run?.Signal is { } signal ? SignalNumber(signal) : null,
                _ => null,
            };
            if (AllFields.Contains(field)) o[field] = value;
        }
        return o;
    }

    // A compile error has no run: Judge0 then reports the compiler's time and memory.
    private static StageResult? Measured(JobView job) => job.Run ?? job.Compile;

    private static string? Seconds(long? ms) => ms is { } v ? (v / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) : null;

    private static string? Message(JobView job) => job.Message ?? job.Verdict switch
    {
        Verdict.RuntimeError when job.Run?.Signal is { } signal => $"Exited with signal {signal}",
        Verdict.RuntimeError when job.Run?.ExitCode is { } code => $"Exited with error status {code}",
        Verdict.TimeLimitExceeded => "Time limit exceeded",
        Verdict.MemoryLimitExceeded => "Memory limit exceeded",
        Verdict.OutputLimitExceeded => "Output limit exceeded",
        _ => null,
    };

    private static int? SignalNumber(string name) => name switch
    {
        "SIGHUP" => 1, "SIGINT" => 2, "SIGQUIT" => 3, "SIGILL" => 4, "SIGTRAP" => 5, "SIGABRT" => 6, "SIGBUS" => 7,
        "SIGFPE" => 8, "SIGKILL" => 9, "SIGUSR1" => 10, "SIGSEGV" => 11, "SIGUSR2" => 12, "SIGPIPE" => 13,
        "SIGALRM" => 14, "SIGTERM" => 15, "SIGXCPU" => 24, "SIGXFSZ" => 25,
        _ => null,
    };

    private static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    // Judge0 shows an empty stream as null.
    private static byte[]? Bytes(string? text, string? encoding) =>
        string.IsNullOrEmpty(text) ? null : encoding == StageResult.Base64 ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);

    private static byte[]? Concat(byte[]? a, byte[]? b) =>
        (a?.Length ?? 0) + (b?.Length ?? 0) == 0 ? null : [.. a ?? [], .. b ?? []];
}
