using System.Text.Json;
using System.Text.Json.Serialization;

namespace Goxec.Api.Compat.Judge0;

/// <summary>A submission as Judge0 CE takes it (snake_case; limits in seconds and kilobytes).</summary>
internal sealed record Judge0SubmissionRequest(
    string? SourceCode = null,
    int? LanguageId = null,
    string? Stdin = null,
    string? ExpectedOutput = null,
    double? CpuTimeLimit = null,
    double? CpuExtraTime = null,
    double? WallTimeLimit = null,
    double? MemoryLimit = null,
    double? StackLimit = null,
    int? MaxProcessesAndOrThreads = null,
    bool? EnablePerProcessAndThreadTimeLimit = null,
    bool? EnablePerProcessAndThreadMemoryLimit = null,
    int? MaxFileSize = null,
    bool? RedirectStderrToStdout = null,
    bool? EnableNetwork = null,
    int? NumberOfRuns = null,
    string? CompilerOptions = null,
    string? CommandLineArguments = null,
    string? CallbackUrl = null,
    string? AdditionalFiles = null);

internal sealed record Judge0BatchRequest(IReadOnlyList<Judge0SubmissionRequest>? Submissions);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Judge0SubmissionRequest))]
[JsonSerializable(typeof(Judge0BatchRequest))]
internal sealed partial class Judge0JsonContext : JsonSerializerContext;
