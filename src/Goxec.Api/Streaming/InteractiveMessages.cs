using System.Text.Json;
using System.Text.Json.Serialization;
using Goxec.Jobs;

namespace Goxec.Api.Streaming;

public sealed class InteractiveOptions
{
    public const string Section = "Interactive";

    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public int MaxMessageBytes { get; set; } = 512 * 1024;
    /// <summary>All stdin a client may send to one interactive job.</summary>
    public long MaxInputBytes { get; set; } = 1024 * 1024;
}

/// <summary>A message from an interactive client: init (with the job's fields), stdin, eof or signal.</summary>
internal sealed record ClientMessage(
    string? Type, string? Data, string? Signal,
    string? Language, string? Code, IReadOnlyList<SourceFile>? Files, string? Stdin, IReadOnlyList<string>? Args)
{
    public SubmitJobRequest ToRequest() => new(Language, Code, Files, Stdin, Args);
}

internal sealed record RejectData(string Message, Dictionary<string, string[]>? Errors);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ClientMessage))]
[JsonSerializable(typeof(RejectData))]
internal sealed partial class InteractiveJsonContext : JsonSerializerContext;
