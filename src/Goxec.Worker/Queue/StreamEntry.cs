using Goxec.Redis;

namespace Goxec.Worker.Queue;

/// <summary>One entry of the work stream as delivered: its id and fields (null when the entry was deleted).</summary>
public sealed record StreamEntry(string EntryId, IReadOnlyDictionary<string, string>? Fields)
{
    /// <summary>Parses the entries of one stream from an XREADGROUP or XAUTOCLAIM reply.</summary>
    public static IEnumerable<StreamEntry> Parse(RespValue entries) =>
        entries.AsArray().Select(e =>
        {
            var parts = e.AsArray();
            var fields = parts[1].IsNull ? null : parts[1].AsMap().ToDictionary(kv => kv.Key, kv => kv.Value.AsString() ?? "");
            return new StreamEntry(parts[0].AsString()!, fields);
        });

    public string? Field(string name) => Fields is not null && Fields.TryGetValue(name, out var v) ? v : null;
}
