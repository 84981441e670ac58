using System.Text.Json;
using System.Text.Json.Nodes;
using Goxec.Api.Compat;
using Goxec.Api.Compat.Judge0;
using Goxec.Api.Gateway;
using Goxec.Jobs;
using Goxec.Languages;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Judge0 CE's API under <c>/judge0</c>, as a thin adapter: submissions become Goxec jobs, tokens are job ids
/// (as UUIDs), statuses and units are Judge0's. Errors are Judge0's too: 422 with <c>{field: [messages]}</c>.
/// </summary>
internal static class Judge0Api
{
    private const int MaxBatch = 20;

    public static IEndpointRouteBuilder MapJudge0Api(this IEndpointRouteBuilder app)
    {
        var judge0 = app.MapGroup("/judge0").RequireCaller().WithTags("Judge0");
        judge0.MapPost("/submissions", SubmitAsync).SubmitsJobs();
        judge0.MapPost("/submissions/batch", SubmitBatchAsync).SubmitsJobs();
        judge0.MapGet("/submissions/batch", GetBatchAsync);
        judge0.MapGet("/submissions/{token}", GetAsync);
        judge0.MapGet("/languages", (Judge0Languages languages) => Results.Json(languages.All.Select(l => new JsonObject { ["id"] = l.Id, ["name"] = l.Name }).ToList()));
        judge0.MapGet("/languages/{id:int}", Language);
        judge0.MapGet("/statuses", () => Results.Json(Judge0Statuses.All.Select(s => new JsonObject { ["id"] = s.Id, ["description"] = s.Description }).ToList()));
        judge0.MapGet("/about", () => Results.Json(new JsonObject
        {
            ["version"] = "1.13.1", ["homepage"] = "https://github.com/goxec/goxec", ["source_code"] = "https://github.com/goxec/goxec",
            ["maintainer"] = "Goxec (Judge0 CE compatible API)",
        }));
        judge0.MapGet("/config_info", ConfigInfo);
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, bool? wait, bool? base64_encoded, string? fields,
        CompatRunner runner, JobStore store, Judge0Languages languages, CancellationToken ct)
    {
        if (Judge0Submission.InvalidFields(fields) is { } invalid) return InvalidFields(invalid);
        if (await ReadAsync(context, Judge0JsonContext.Default.Judge0SubmissionRequest, ct) is not { } body) return Malformed();
        var base64 = base64_encoded == true;
        var (translation, errors) = Judge0Request.Translate(body, base64, languages);
        if (translation is null) return Unprocessable(errors);
        var submitted = await runner.SubmitAsync(translation.Request, Caller.Of(context), wait == true, ct, translation.Apply);
        if (submitted.Refusal is not null) return submitted.Refusal;
        if (submitted.Id is null) return Unprocessable(Judge0Request.Rename(submitted.Errors));
        // A job already gone again (retention) leaves only its token to give.
        if (submitted.Job is null) return Results.Json(new JsonObject { ["token"] = Judge0Submission.Token(submitted.Id) }, statusCode: StatusCodes.Status201Created);
        var shown = Judge0Submission.Render(submitted.Job, await store.GetSpecAsync(submitted.Id, ct), fields, base64, languages);
        return shown is null ? Utf8Problem() : Results.Json(shown, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(string token, bool? base64_encoded, string? fields, JobStore store, Judge0Languages languages,
        CancellationToken ct)
    {
        if (Judge0Submission.InvalidFields(fields) is { } invalid) return InvalidFields(invalid);
        if (Judge0Submission.JobId(token) is not { } id || await store.GetAsync(id, ct) is not { } job)
            return Results.Json(new JsonObject { ["error"] = "submission not found" }, statusCode: StatusCodes.Status404NotFound);
        var shown = Judge0Submission.Render(job, await store.GetSpecAsync(id, ct), fields, base64_encoded == true, languages);
        return shown is null ? Utf8Problem() : Results.Json(shown);
    }

    /// <summary>Each submission on its own: a token, or its errors in its place (Judge0 answers 201 either way).</summary>
    private static async Task<IResult> SubmitBatchAsync(HttpContext context, bool? base64_encoded, CompatRunner runner, Judge0Languages languages,
        CancellationToken ct)
    {
        if (await ReadAsync(context, Judge0JsonContext.Default.Judge0BatchRequest, ct) is not { Submissions: { } submissions }) return Malformed();
        if (submissions.Count is 0 or > MaxBatch)
            return Unprocessable(new() { ["submissions"] = [$"number of submissions must be between 1 and {MaxBatch}"] });
        var answers = new JsonArray();
        foreach (var body in submissions)
        {
            var (translation, errors) = body is null ? (null, new() { ["submission"] = ["must be an object"] }) : Judge0Request.Translate(body, base64_encoded == true, languages);
            if (translation is null) { answers.Add(Errors(errors)); continue; }
            var submitted = await runner.SubmitAsync(translation.Request, Caller.Of(context), wait: false, ct, translation.Apply);
            if (submitted.Refusal is not null) return submitted.Refusal;
            answers.Add(submitted.Id is null ? Errors(Judge0Request.Rename(submitted.Errors)) : new JsonObject { ["token"] = Judge0Submission.Token(submitted.Id) });
        }
        return Results.Json(answers, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetBatchAsync(string? tokens, bool? base64_encoded, string? fields, JobStore store, Judge0Languages languages,
        CancellationToken ct)
    {
        if (Judge0Submission.InvalidFields(fields) is { } invalid) return InvalidFields(invalid);
        var list = (tokens ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length is 0 or > MaxBatch)
            return Results.Json(new JsonObject { ["error"] = $"number of tokens must be between 1 and {MaxBatch}" }, statusCode: StatusCodes.Status400BadRequest);
        var shown = new JsonArray();
        foreach (var token in list)
        {
            var job = Judge0Submission.JobId(token) is { } id ? await store.GetAsync(id, ct) : null;
            if (job is null) { shown.Add(null); continue; }
            var one = Judge0Submission.Render(job, await store.GetSpecAsync(job.Id, ct), fields, base64_encoded == true, languages);
            if (one is null) return Utf8Problem();
            shown.Add(one);
        }
        return Results.Json(new JsonObject { ["submissions"] = shown });
    }

    private static IResult Language(int id, Judge0Languages languages) =>
        languages.Find(id) is { Goxec: var goxec } l
            ? Results.Json(new JsonObject
            {
                ["id"] = l.Id, ["name"] = l.Name, ["is_archived"] = false, ["source_file"] = goxec.File,
                ["compile_cmd"] = goxec.Compile is { } c ? string.Join(' ', c) : null, ["run_cmd"] = string.Join(' ', goxec.Run),
            })
            : Results.Json(new JsonObject { ["error"] = "language not found" }, statusCode: StatusCodes.Status404NotFound);

    private static IResult ConfigInfo(Microsoft.Extensions.Options.IOptions<Goxec.Api.Jobs.SubmissionOptions> options,
        Microsoft.Extensions.Options.IOptions<Goxec.Api.Webhooks.WebhookOptions> webhooks, Judge0Languages languages)
    {
        var run = options.Value.RunDefaults;
        var max = options.Value.RunMaxima;
        var callbacks = webhooks.Value.WebhookSecret.Length > 0;
        var compiled = languages.All.Where(l => l.Goxec.Compiled).Select(l => (JsonNode?)l.Name);
        return Results.Json(new JsonObject
        {
            ["maintenance_mode"] = false, ["enable_wait_result"] = true, ["enable_compiler_options"] = true,
            ["allowed_languages_for_compile_options"] = new JsonArray([.. compiled]), ["enable_command_line_arguments"] = true,
            ["enable_submission_delete"] = false, ["enable_callbacks"] = callbacks,
            ["callbacks_max_tries"] = callbacks ? webhooks.Value.WebhookAttempts : 0,
            ["callbacks_timeout"] = callbacks ? webhooks.Value.WebhookTimeout.TotalSeconds : 0,
            ["enable_additional_files"] = true, ["max_queue_size"] = null, ["cpu_time_limit"] = run.CpuTimeMs / 1000.0,
            ["max_cpu_time_limit"] = max.CpuTimeMs / 1000.0, ["cpu_extra_time"] = 0.0, ["max_cpu_extra_time"] = 0.0,
            ["wall_time_limit"] = run.WallTimeMs / 1000.0, ["max_wall_time_limit"] = max.WallTimeMs / 1000.0,
            ["memory_limit"] = run.MemoryMb * 1024, ["max_memory_limit"] = max.MemoryMb * 1024,
            ["stack_limit"] = run.MemoryMb * 1024, ["max_stack_limit"] = max.MemoryMb * 1024,
            ["max_processes_and_or_threads"] = run.MaxProcesses, ["max_max_processes_and_or_threads"] = max.MaxProcesses,
            ["enable_per_process_and_thread_time_limit"] = false, ["allow_enable_per_process_and_thread_time_limit"] = false,
            ["enable_per_process_and_thread_memory_limit"] = false, ["allow_enable_per_process_and_thread_memory_limit"] = false,
            ["max_file_size"] = run.MaxFileSizeKb, ["max_max_file_size"] = max.MaxFileSizeKb,
            ["number_of_runs"] = 1, ["max_number_of_runs"] = 1,
            ["redirect_stderr_to_stdout"] = false, ["max_extract_size"] = Judge0AdditionalFiles.MaxTotalBytes / 1024, ["enable_batched_submissions"] = true,
            ["max_submission_batch_size"] = MaxBatch, ["submission_cache_duration"] = 0, ["use_docs_as_homepage"] = false,
            ["allow_enable_network"] = false, ["enable_network"] = false,
        });
    }

    private static async Task<T?> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        try { return await JsonSerializer.DeserializeAsync(context.Request.Body, type, ct); }
        catch (JsonException) { return null; }
    }

    private static JsonObject Errors(Dictionary<string, string[]> errors)
    {
        var o = new JsonObject();
        foreach (var (field, messages) in errors) o[field] = new JsonArray([.. messages.Select(m => (JsonNode?)m)]);
        return o;
    }

    private static IResult Unprocessable(Dictionary<string, string[]> errors) =>
        Results.Json(Errors(errors), statusCode: StatusCodes.Status422UnprocessableEntity);

    private static IResult InvalidFields(string message) =>
        Results.Json(new JsonObject { ["error"] = message }, statusCode: StatusCodes.Status400BadRequest);

    private static IResult Malformed() =>
        Results.Json(new JsonObject { ["error"] = "the body must be a JSON object in Judge0's submission format" }, statusCode: StatusCodes.Status400BadRequest);

    private static IResult Utf8Problem() =>
        Results.Json(new JsonObject { ["error"] = Judge0Submission.Utf8Error }, statusCode: StatusCodes.Status400BadRequest);
}
