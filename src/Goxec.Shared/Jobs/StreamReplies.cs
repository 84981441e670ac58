using Goxec.Redis;

namespace Goxec.Jobs;

public static class StreamReplies
{
    /// <summary>
    /// The entries of each stream in an XREAD/XREADGROUP reply: RESP2 answers an array of
    /// [name, entries] pairs, RESP3 a map of name → entries; a timeout answers null (no streams).
    /// </summary>
    public static IEnumerable<(string Stream, RespValue Entries)> PerStream(RespValue reply)
    {
        if (reply.Type == RespType.Map)
        {
            var items = reply.AsArray();
            for (var i = 0; i < items.Count; i += 2) yield return (items[i].AsString()!, items[i + 1]);
            yield break;
        }
        foreach (var stream in reply.AsArray())
        {
            var pair = stream.AsArray();
            yield return (pair[0].AsString()!, pair[1]);
        }
    }
}
