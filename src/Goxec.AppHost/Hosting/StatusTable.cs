namespace Goxec.Hosting;

/// <summary>The short "what is running where" table printed once everything is up.</summary>
internal static class StatusTable
{
    public static void Write(TextWriter output, IEnumerable<ResourceInstance> instances)
    {
        var rows = instances
            .Select(i => new[] { i.Name, i.State.ToString(), i.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", i.Endpoint?.ToString() ?? "-", i.Health is "" ? "-" : i.Health })
            .Prepend(["RESOURCE", "STATE", "PID", "URL", "HEALTH"])
            .ToList();
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        lock (output)
        {
            foreach (var row in rows)
                output.WriteLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
            output.Flush();
        }
    }
}
