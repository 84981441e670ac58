using System.Buffers;
using System.Text.Json;

namespace Goxec.Api.Streaming;

/// <summary>
/// One message to a subscriber: <c>{"type","seq","data"}</c>. <paramref name="Data"/> is either text
/// (output chunks) or, when <paramref name="DataIsJson"/>, a JSON value written as is.
/// </summary>
internal sealed record StreamMessage(string Type, long? Seq, string Data, bool DataIsJson)
{
    public static StreamMessage Text(string type, long? seq, string text) => new(type, seq, text, false);

    public static StreamMessage Json(string type, long? seq, string json) => new(type, seq, json, true);

    public byte[] ToUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>(Data.Length + 64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", Type);
            if (Seq is { } seq) json.WriteNumber("seq", seq); else json.WriteNull("seq");
            json.WritePropertyName("data");
            if (DataIsJson) json.WriteRawValue(Data, skipInputValidation: true); else json.WriteStringValue(Data);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
