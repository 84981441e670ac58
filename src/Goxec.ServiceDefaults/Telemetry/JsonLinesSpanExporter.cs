using System.Diagnostics;
using System.Text.Json;
using OpenTelemetry;

namespace Goxec.Telemetry;

/// <summary>
/// Writes every finished span as one JSON line to a file. For tests and local debugging only:
/// enabled by <c>Telemetry:SpanDirectory</c>, never by default. One file per process.
/// </summary>
public sealed class JsonLinesSpanExporter(string path, string service) : BaseExporter<Activity>
{
    private readonly Lock _gate = new();

    public override ExportResult Export(in Batch<Activity> batch)
    {
        using var buffer = new MemoryStream();
        foreach (var span in batch)
        {
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("service", service);
                json.WriteString("name", span.DisplayName);
                json.WriteString("kind", span.Kind.ToString());
                json.WriteString("traceId", span.TraceId.ToHexString());
                json.WriteString("spanId", span.SpanId.ToHexString());
                json.WriteString("parentSpanId", span.ParentSpanId == default ? "" : span.ParentSpanId.ToHexString());
                json.WriteString("start", span.StartTimeUtc);
                json.WriteNumber("durationMs", span.Duration.TotalMilliseconds);
                json.WriteString("status", span.Status.ToString());
                json.WriteStartObject("tags");
                foreach (var tag in span.TagObjects) json.WriteString(tag.Key, Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture));
                json.WriteEndObject();
                json.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
        }
        lock (_gate)
        {
            using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            buffer.WriteTo(file);
        }
        return ExportResult.Success;
    }
}
