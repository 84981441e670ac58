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

    // Judge0 CE's submission attributes (app/services/fields/submission.rb), in its order.
    private static readonly string[] AllFields =
    [
        "source_code", "language_id", "stdin", "expected_output", "stdout", "status_id", "created_at", "finished_at", "time", "memory",
        "stderr", "token", "number_of_runs", "cpu_time_limit", "cpu_extra_time", "wall_time_limit", "memory_limit", "stack_limit",
        "max_processes_and_or_threads", "enable_per_process_and_thread_time_limit", "enable_per_process_and_thread_memory_limit",
        "max_file_size", "compile_output", "exit_code", "exit_signal", "message", "wall_time", "compiler_options",
        "command_line_arguments", "redirect_stderr_to_stdout", "callback_url", "additional_files", "enable_network", "status", "language",
    ];

    /// <summary>Judge0's 400 for a <c>fields</c> list naming attributes it does not have, or null when all are known.</summary>
    public static string? InvalidFields(string? fields)
    {
        if (fields is null or "" or "*") return null;
        var invalid = fields.Split(',', StringSplitOptions.TrimEntries).Where(f => !AllFields.Contains(f, StringComparer.Ordinal)).ToList();
        return invalid.Count == 0 ? null : $"invalid fields: [{string.Join(", ", invalid.Select(f => f.Length > 64 ? f[..64] : f))}]";
    }

    public static string Token(string id) => Guid.TryParseExact(id, "N", out var guid) ? guid.ToString("D") : id;

    public static string? JobId(string token) => Guid.TryParse(token, out var guid) ? guid.ToString("N") : null;

    /// <summary>The submission, or null when some text is not UTF-8 and base64 was not asked for (Judge0's 400).</summary>
    public static JsonObject? Render(JobView job, JobSpec? spec, string? fields, bool base64, Judge0Languages languages)
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
        var language = languages.Of(job.Language);
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
                "language_id" => language?.Id,
                "status_id" => status.Id,
                "status" => new JsonObject { ["id"] = status.Id, ["description"] = status.Description },
                "language" => language is { } l ? new JsonObject { ["id"] = l.Id, ["name"] = l.Name } : null,
                "created_at" => job.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                "finished_at" => job.FinishedAt?.ToString("O", CultureInfo.InvariantCulture),
                "time" => Seconds(Measured(job)?.CpuTimeMs),
                "wall_time" => Seconds(Measured(job)?.WallTimeMs),
                "memory" => Measured(job)?.MemoryKb,
                "exit_code" => run?.ExitCode,
                "exit_signal" => run?.Signal is { } signal ? SignalNumber(signal) : null,
                "number_of_runs" => 1,
                "cpu_time_limit" => SecondsNumber(spec?.Limits?.CpuTimeMs),
                "cpu_extra_time" => spec?.Limits is null ? null : 0.0,
                "wall_time_limit" => SecondsNumber(spec?.Limits?.WallTimeMs),
                "memory_limit" or "stack_limit" => spec?.Limits?.MemoryMb * 1024,
                "max_processes_and_or_threads" => spec?.Limits?.MaxProcesses,
                "max_file_size" => spec?.Limits?.MaxFileSizeKb,
                "enable_per_process_and_thread_time_limit" or "enable_per_process_and_thread_memory_limit" or "enable_network" => false,
                "compiler_options" => spec?.CompilerArgs is { } words ? string.Join(' ', words) : null,
                "command_line_arguments" => spec?.Args is { Count: > 0 } args ? string.Join(' ', args) : null,
                "redirect_stderr_to_stdout" => spec?.MergeStderr ?? false,
                "callback_url" => spec?.CallbackUrl,
                // The zip is unpacked at submission and not kept.
                "additional_files" => null,
                _ => null,
            };
            if (AllFields.Contains(field)) o[field] = value;
        }
        return o;
    }

    // A compile error has no run: Judge0 then reports the compiler's time and memory.
    private static StageResult? Measured(JobView job) => job.Run ?? job.Compile;

    private static double? SecondsNumber(int? ms) => ms / 1000.0;

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
