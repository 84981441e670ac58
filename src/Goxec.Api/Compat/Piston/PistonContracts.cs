using System.Text.Json;
using System.Text.Json.Serialization;

namespace Goxec.Api.Compat.Piston;

/// <summary>The body of Piston v2's <c>POST /api/v2/execute</c>. Times in milliseconds, memory in bytes (-1: no limit).</summary>
internal sealed record PistonExecuteRequest(
    JsonElement Language = default,
    JsonElement Version = default,
    JsonElement Files = default,
    string? Stdin = null,
    IReadOnlyList<string>? Args = null,
    double? CompileTimeout = null,
    double? RunTimeout = null,
    double? CompileCpuTime = null,
    double? RunCpuTime = null,
    double? CompileMemoryLimit = null,
    double? RunMemoryLimit = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PistonExecuteRequest))]
internal sealed partial class PistonJsonContext : JsonSerializerContext;
