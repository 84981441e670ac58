using System.Text;

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

    public string Text => Encoding.UTF8.GetString(_bytes.GetBuffer(), 0, (int)_bytes.Length);
}
