using System.Text;
using Goxec.Jobs;
using Goxec.Languages;

namespace Goxec.Api.Compat.Judge0;

/// <summary>Translates a Judge0 submission into Goxec's request, with Judge0-style errors (field → messages).</summary>
internal static class Judge0Request
{
    public const int MaxCompilerOptions = 512;
    private const int MaxCompilerWords = 64;

    public static (Judge0Translation? Translation, Dictionary<string, string[]> Errors) Translate(Judge0SubmissionRequest s, bool base64, Judge0Languages languages)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        var language = s.LanguageId is { } id ? languages.Find(id) : null;
        if (s.LanguageId is null) Fail("language_id", "can't be blank");
        else if (language is null) Fail("language_id", $"language with id {s.LanguageId} doesn't exist");

        var source = Decode(s.SourceCode, base64, "source_code", Fail);
        if (string.IsNullOrEmpty(s.SourceCode)) Fail("source_code", "can't be blank");
        var stdin = Decode(s.Stdin, base64, "stdin", Fail);
        var expected = Decode(s.ExpectedOutput, base64, "expected_output", Fail);

        // Judge0 refuses what its configuration does not allow with 422; Goxec never gives programs a network.
        if (s.EnableNetwork == true) Fail("enable_network", "enabling network is not allowed");
        if (s.NumberOfRuns is { } runs && runs != 1) Fail("number_of_runs", "must be 1 on this server");
        var goxec = language?.Goxec;
        var compilerArgs = CompilerArgs(s.CompilerOptions, goxec, Fail);
        List<SourceFile>? extra = null;
        if (!string.IsNullOrEmpty(s.AdditionalFiles) && goxec is not null)
        {
            (extra, var problem) = Judge0AdditionalFiles.Extract(s.AdditionalFiles, goxec.File);
            if (problem is not null) Fail("additional_files", problem);
        }
        if (errors.Count > 0) return (null, errors);

        var limits = new JobLimits(
            CpuTimeMs: Millis(s.CpuTimeLimit, s.CpuExtraTime),
            WallTimeMs: Millis(s.WallTimeLimit, null),
            MemoryMb: s.MemoryLimit is { } kb ? (int)Math.Ceiling(kb / 1024) : null,
            MaxProcesses: s.MaxProcessesAndOrThreads,
            MaxFileSizeKb: s.MaxFileSize);
        var args = s.CommandLineArguments?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        // With additional files, the source is the first file: the validator names it as the language runs it.
        var request = extra is null
            ? new SubmitJobRequest(language!.Goxec.Id, source, null, stdin, args, limits, ExpectedOutput: expected, CallbackUrl: NullIfEmpty(s.CallbackUrl))
            : new SubmitJobRequest(language!.Goxec.Id, null, [new SourceFile(goxec!.File, source ?? ""), .. extra], stdin, args, limits,
                ExpectedOutput: expected, CallbackUrl: NullIfEmpty(s.CallbackUrl));
        var format = s.CallbackUrl is { Length: > 0 } ? (base64 ? Judge0CallbackFormat.Base64Name : Judge0CallbackFormat.TextName) : null;
        return (new Judge0Translation(request, s.RedirectStderrToStdout == true, compilerArgs, format), errors);
    }

    /// <summary>
    /// The options as argv words after the compile command. They never meet a shell, so metacharacters are inert; quoting
    /// cannot work either and is refused rather than silently passed on as literal quote characters.
    /// </summary>
    private static IReadOnlyList<string>? CompilerArgs(string? options, LanguageDefinition? language, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(options)) return null;
        if (options.Length > MaxCompilerOptions) { fail("compiler_options", $"is too long (maximum is {MaxCompilerOptions} characters)"); return null; }
        if (options.Any(c => char.IsControl(c) && c is not (' ' or '\t')))
        { fail("compiler_options", "may not contain control characters"); return null; }
        if (options.IndexOfAny(['"', '\'', '\\', '`']) >= 0)
        { fail("compiler_options", "may not contain quotes or backslashes: options are passed as separate words, never through a shell"); return null; }
        var words = options.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > MaxCompilerWords) { fail("compiler_options", $"may have at most {MaxCompilerWords} words"); return null; }
        if (language is { Compiled: false })
        { fail("compiler_options", $"setting compiler options is only allowed for compiled languages; {language.Name} is interpreted"); return null; }
        return words;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Goxec's validation errors under Judge0's field names.</summary>
    public static Dictionary<string, string[]> Rename(Dictionary<string, string[]> goxec) =>
        goxec.ToDictionary(e => e.Key switch
        {
            "language" => "language_id",
            "code" or "files" => "source_code",
            "expectedOutput" => "expected_output",
            "args" => "command_line_arguments",
            "callbackUrl" => "callback_url",
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

/// <summary>A Judge0 submission as Goxec's request, plus what only the Judge0 adapter sets on the job.</summary>
internal sealed record Judge0Translation(SubmitJobRequest Request, bool MergeStderr, IReadOnlyList<string>? CompilerArgs, string? CallbackFormat)
{
    public JobSpec Apply(JobSpec spec) => spec with { MergeStderr = MergeStderr, CompilerArgs = CompilerArgs, CallbackFormat = CallbackFormat };
}
