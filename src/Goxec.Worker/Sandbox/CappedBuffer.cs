using System.Text;
using System.Text.Unicode;
using Goxec.Jobs;

namespace Goxec.Worker.Sandbox;

/// <summary>Collects a stream's output up to a cap, so a flood never grows the worker's memory.</summary>
internal sealed class CappedBuffer(int cap)
{
    private readonly MemoryStream _bytes = new();

    public bool Overflowed { get; private set; }

    public int Length => (int)_bytes.Length;

    /// <summary>Appends what fits; false once the cap is passed.</summary>
    public bool TryAppend(ReadOnlySpan<byte> data)
    {
        var room = cap - (int)_bytes.Length;
        _bytes.Write(data[..Math.Min(room, data.Length)]);
        if (data.Length > room) Overflowed = true;
        return !Overflowed;
    }

    private ReadOnlySpan<byte> Bytes => _bytes.GetBuffer().AsSpan(0, (int)_bytes.Length);

    public string Text => Encoding.UTF8.GetString(Bytes);

    /// <summary>
    /// The output as UTF-8 text when it is valid UTF-8, else as base64 — so binary output comes back
    /// byte for byte instead of as replacement characters. A cut at the cap may split a character;
    /// that partial tail is dropped rather than turning the whole output into base64.
    /// </summary>
    public (string Text, string Encoding) Encoded()
    {
        var bytes = Bytes;
        for (var cut = 0; cut <= (Overflowed ? 3 : 0) && cut <= bytes.Length; cut++)
        {
            if (Utf8.IsValid(bytes[..^cut])) return (Encoding.UTF8.GetString(bytes[..^cut]), StageResult.Utf8);
        }
        return (Convert.ToBase64String(bytes), StageResult.Base64);
    }
}
