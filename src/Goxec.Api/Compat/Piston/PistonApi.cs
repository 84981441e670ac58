using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Goxec.Api.Compat;
using Goxec.Api.Compat.Piston;
using Goxec.Api.Gateway;
using Goxec.Api.Jobs;
using Goxec.Jobs;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Piston v2's API under <c>/api/v2</c>: <c>execute</c> is a Goxec job waited for, shown as Piston shows a run.
/// Errors are Piston's: 400 with <c>{"message": "..."}</c>.
/// </summary>
internal static class PistonApi
{
    public static IEndpointRouteBuilder MapPistonApi(this IEndpointRouteBuilder app)
    {
        var piston = app.MapGroup("/api/v2").RequireCaller().WithTags("Piston");
        piston.MapGet("/runtimes", RuntimesAsync);
        piston.MapPost("/execute", ExecuteAsync).SubmitsJobs();
        piston.MapPistonConnect();
        piston.MapPistonPackages();
        return app;
    }

    private static async Task<IResult> RuntimesAsync(PistonRuntimes runtimes, CancellationToken ct) =>
        Results.Json((await runtimes.AllAsync(ct)).Select(r => new JsonObject
        {
            ["language"] = r.Language.Id, ["version"] = r.Version,
            ["aliases"] = new JsonArray([.. r.Language.Aliases.Select(a => (JsonNode?)a)]),
        }).ToList());

    private static async Task<IResult> ExecuteAsync(HttpContext context, PistonRuntimes runtimes, CompatRunner runner,
        IOptions<SubmissionOptions> options, CancellationToken ct)
    {
        PistonExecuteRequest? body;
        try { body = await JsonSerializer.DeserializeAsync(context.Request.Body, PistonJsonContext.Default.PistonExecuteRequest, ct); }
        catch (JsonException e) { return BadRequest($"Invalid request body: {e.Message}"); }
        var (request, runtime, problem) = await TranslateAsync(body, runtimes, options.Value, ct);
        if (request is null) return BadRequest(problem!);
        var submitted = await runner.SubmitAsync(request, Caller.Of(context), wait: true, ct);
        if (submitted.Refusal is { } refused) return refused.InFormat(new JsonObject { ["message"] = refused.Detail });
        if (submitted.Id is null) return BadRequest(string.Join("; ", submitted.Errors.SelectMany(e => e.Value)));
        if (submitted.Job is not { Status: JobStatus.Completed or JobStatus.DeadLettered } job)
            return Results.Json(new JsonObject { ["message"] = $"The job {submitted.Id} did not finish in time; it is still at GET /api/v1/jobs/{submitted.Id}" },
                statusCode: StatusCodes.Status500InternalServerError);

        var answer = new JsonObject { ["language"] = runtime!.Language.Id, ["version"] = runtime.Version };
        if (runtime.Language.Compiled) answer["compile"] = job.Compile is { } c ? Stage(c, job) : null;
        // Piston leaves run out when the compile stage failed.
        if (job.Run is { } r) answer["run"] = Stage(r, job);
        else if (job.Compile is null) answer["run"] = Internal(job);
        return Results.Json(answer);
    }

    /// <summary>An execute body (or a connect <c>init</c>) as a Goxec request, or Piston's message for what is wrong with it.</summary>
    internal static async Task<(SubmitJobRequest? Request, PistonRuntime? Runtime, string? Problem)> TranslateAsync(PistonExecuteRequest? body,
        PistonRuntimes runtimes, SubmissionOptions options, CancellationToken ct)
    {
        if (body is null) return (null, null, "The body must be a JSON object");
        if (body.Language.ValueKind != JsonValueKind.String) return (null, null, "language is required as a string");
        if (body.Version.ValueKind != JsonValueKind.String) return (null, null, "version is required as a string");
        if (body.Files.ValueKind != JsonValueKind.Array) return (null, null, "files is required as an array");

        var (language, version) = (body.Language.GetString()!, body.Version.GetString()!);
        if (await runtimes.FindAsync(language, version, ct) is not { } runtime) return (null, null, $"{language}-{version} runtime is unknown");

        var (files, fileProblem) = Files(body.Files);
        if (files is null) return (null, null, fileProblem);
        var (run, compile, limitProblem) = Limits(body, options, runtime.Language.Compiled);
        if (limitProblem is not null) return (null, null, limitProblem);
        return (new SubmitJobRequest(runtime.Language.Id, null, files, body.Stdin, body.Args, run, compile), runtime, null);
    }

    private static (List<SourceFile>? Files, string? Problem) Files(JsonElement files)
    {
        var list = new List<SourceFile>();
        var i = 0;
        foreach (var file in files.EnumerateArray())
        {
            if (file.ValueKind != JsonValueKind.Object || !file.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                return (null, $"files[{i}].content is required as a string");
            var name = file.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : $"file{i}.code";
            var encoding = file.TryGetProperty("encoding", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "utf8";
            try
            {
                var text = encoding switch
                {
                    "utf8" => content.GetString()!,
                    "base64" => new UTF8Encoding(false, true).GetString(Convert.FromBase64String(content.GetString()!)),
                    "hex" => new UTF8Encoding(false, true).GetString(Convert.FromHexString(content.GetString()!)),
                    _ => null,
                };
                if (text is null) return (null, $"files[{i}].encoding must be one of utf8, base64, hex");
                list.Add(new SourceFile(name, text));
            }
            catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
            {
                return (null, $"files[{i}].content is not valid {encoding} of UTF-8 text");
            }
            i++;
        }
        return list.Count == 0 ? (null, "files is required as an array") : (list, null);
    }

    /// <summary>Piston's limits as Goxec's; like Piston, a value over the configured limit is refused, not lowered.</summary>
    private static (JobLimits Run, JobLimits? Compile, string? Problem) Limits(PistonExecuteRequest body, SubmissionOptions options, bool compiled)
    {
        string? problem = null;
        int? Ms(string key, double? value, int max)
        {
            if (value is null || value < 0) return null;
            if (value > max) problem ??= $"{key} cannot exceed the configured limit of {max}";
            return Math.Max(1, (int)Math.Ceiling(value.Value));
        }
        int? Mb(string key, double? bytes, int maxMb)
        {
            if (bytes is null || bytes < 0) return null;
            if (bytes > maxMb * 1024L * 1024) problem ??= $"{key} cannot exceed the configured limit of {maxMb * 1024L * 1024}";
            return Math.Max(1, (int)Math.Ceiling(bytes.Value / (1024 * 1024)));
        }
        var run = new JobLimits(CpuTimeMs: Ms("run_cpu_time", body.RunCpuTime, options.RunMaxima.CpuTimeMs),
            WallTimeMs: Ms("run_timeout", body.RunTimeout, options.RunMaxima.WallTimeMs),
            MemoryMb: Mb("run_memory_limit", body.RunMemoryLimit, options.RunMaxima.MemoryMb));
        var compile = new JobLimits(CpuTimeMs: Ms("compile_cpu_time", body.CompileCpuTime, options.CompileMaxima.CpuTimeMs),
            WallTimeMs: Ms("compile_timeout", body.CompileTimeout, options.CompileMaxima.WallTimeMs),
            MemoryMb: Mb("compile_memory_limit", body.CompileMemoryLimit, options.CompileMaxima.MemoryMb));
        return (run, compiled && compile != new JobLimits() ? compile : null, problem);
    }

    internal static JsonObject Stage(StageResult stage, JobView job)
    {
        var (stdout, stderr) = (Text(stage.Stdout, stage.StdoutEncoding), Text(stage.Stderr, stage.StderrEncoding));
        var status = stage.LimitExceeded switch
        {
            StageLimit.Cpu or StageLimit.Wall => "TO",
            StageLimit.Output => "OL",
            _ when stage.TimedOut => "TO",
            _ when job.Verdict == Verdict.InternalError || job.Status == JobStatus.DeadLettered => "XX",
            _ when stage.Signal is not null => "SG",
            _ when stage.ExitCode is not (0 or null) => "RE",
            _ => null,
        };
        return new JsonObject
        {
            ["stdout"] = stdout, ["stderr"] = stderr, ["output"] = stdout + stderr,
            ["code"] = stage.Signal is null ? stage.ExitCode : null, ["signal"] = stage.Signal,
            ["message"] = status is null ? null : job.Message ?? Message(status, stage),
            ["status"] = status, ["cpu_time"] = stage.CpuTimeMs, ["wall_time"] = stage.WallTimeMs, ["memory"] = stage.MemoryKb * 1024,
        };
    }

    private static JsonObject Internal(JobView job) => new()
    {
        ["stdout"] = "", ["stderr"] = "", ["output"] = "", ["code"] = null, ["signal"] = null,
        ["message"] = job.Message ?? "Internal error", ["status"] = "XX", ["cpu_time"] = null, ["wall_time"] = null, ["memory"] = null, // nothing ran: nothing measured
    };

    private static string Message(string status, StageResult stage) => status switch
    {
        "TO" => stage.LimitExceeded == StageLimit.Cpu ? "CPU time limit exceeded" : "Wall-time limit exceeded",
        "OL" => "Output length exceeded",
        "SG" => $"Killed by signal {stage.Signal}",
        "RE" => $"Exited with status {stage.ExitCode}",
        _ => "Internal error",
    };

    // Piston returns text; bytes that are not UTF-8 become U+FFFD rather than failing the run.
    private static string Text(string value, string encoding) =>
        encoding == StageResult.Base64 ? Encoding.UTF8.GetString(Convert.FromBase64String(value)) : value;

    private static IResult BadRequest(string message) =>
        Results.Json(new JsonObject { ["message"] = message }, statusCode: StatusCodes.Status400BadRequest);
}
