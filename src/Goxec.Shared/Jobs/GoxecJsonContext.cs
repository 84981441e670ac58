using System.Text.Json;
using System.Text.Json.Serialization;

namespace Goxec.Jobs;

/// <summary>Source-generated JSON for everything that crosses a process boundary.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SubmitJobRequest))]
[JsonSerializable(typeof(JobSpec))]
[JsonSerializable(typeof(JobResult))]
[JsonSerializable(typeof(JobView))]
[JsonSerializable(typeof(JobAccepted))]
[JsonSerializable(typeof(Verdict))]
[JsonSerializable(typeof(WorkerHeartbeat))]
public sealed partial class GoxecJsonContext : JsonSerializerContext;
