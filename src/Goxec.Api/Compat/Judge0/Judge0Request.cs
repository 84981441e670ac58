using System.Text;
using Goxec.Jobs;

namespace Goxec.Api.Compat.Judge0;

/// <summary>Translates a Judge0 submission into Goxec's request, with Judge0-style errors (field → messages).</summary>
internal static class Judge0Request
{
    public static (SubmitJobRequest? Request, Dictionary<string, string[]> Errors) Translate(Judge0SubmissionRequest s, bool base64)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        var language = s.LanguageId is { } id ? Judge0Languages.Find(id) : null;
        if (s.LanguageId is null) Fail("language_id", "can't be blank");
        else if (language is null) Fail("language_id", $"language with id {s.LanguageId} doesn't exist");

        var source = Decode(s.SourceCode, base64, "source_code", Fail);
        if (string.IsNullOrEmpty(s.SourceCode)) Fail("source_code", "can't be blank");
        var stdin = Decode(s.Stdin, base64, "stdin", Fail);
        var expected = Decode(s.ExpectedOutput, base64, "expected_output", Fail);

        // Judge0 refuses what its configuration does not allow with 422; Goxec never gives programs a network.
        if (s.EnableNetwork == true) Fail("enable_network", "enabling network is not allowed");
        if (s.NumberOfRuns is { } runs && runs != 1) Fail("number_of_runs", "must be 1 on this server");
        if (!string.IsNullOrWhiteSpace(s.CompilerOptions)) Fail("compiler_options", "setting compiler options is not allowed");
        // Goxec keeps stdout and stderr apart all the way; merging them after the fact would lose their order.
        if (s.RedirectStderrToStdout == true) Fail("redirect_stderr_to_stdout", "redirecting stderr to stdout is not supported on this server");
        if (!string.IsNullOrEmpty(s.AdditionalFiles)) Fail("additional_files", "additional files are not supported on this server");
        // Goxec's callbacks post Goxec's job, not a Judge0 submission: refuse rather than send a shape the client does not expect.
        if (!string.IsNullOrEmpty(s.CallbackUrl)) Fail("callback_url", "callbacks are not supported by the Judge0 adapter; poll GET /judge0/submissions/{token}");
        if (errors.Count > 0) return (null, errors);

        var limits = new JobLimits(
            CpuTimeMs: Millis(s.CpuTimeLimit, s.CpuExtraTime),
            WallTimeMs: Millis(s.WallTimeLimit, null),
            MemoryMb: s.MemoryLimit is { } kb ? (int)Math.Ceiling(kb / 1024) : null,
            MaxProcesses: s.MaxProcessesAndOrThreads,
            MaxFileSizeKb: s.MaxFileSize);
        var args = s.CommandLineArguments?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return (new SubmitJobRequest(language!.Goxec, source, null, stdin, args, limits, ExpectedOutput: expected), errors);
    }

    /// <summary>Goxec's validation errors under Judge0's field names.</summary>
    public static Dictionary<string, string[]> Rename(Dictionary<string, string[]> goxec) =>
        goxec.ToDictionary(e => e.Key switch
        {
            "language" => "language_id",
            "code" or "files" => "source_code",
            "expectedOutput" => "expected_output",
            "args" => "command_line_arguments",
            "limits.cpuTimeMs" => "cpu_time_limit",
            "limits.wallTimeMs" => "wall_time_limit",
            "limits.memoryMb" => "memory_limit",
            "limits.maxProcesses" => "max_processes_and_or_threads",
            "limits.maxFileSizeKb" => "max_file_size",
            var other => other,
        }, e => e.Value);

    private static int? Millis(double? seconds, double? extra) =>
        seconds is null && extra is null ? null : (int)Math.Ceiling(((seconds ?? 5) + (extra ?? 0)) * 1000);

    private static string? Decode(string? value, bool base64, string field, Action<string, string> fail)
    {
        if (value is null || !base64) return value;
        try { return new UTF8Encoding(false, true).GetString(Convert.FromBase64String(value)); }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            fail(field, "is not valid base64 of UTF-8 text");
            return null;
        }
    }
}
