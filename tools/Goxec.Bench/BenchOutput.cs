using System.Globalization;
using System.Text.Json;

namespace Goxec.Bench;

/// <summary>Writes a run's raw JSON, chart and table into <c>OUT/&lt;timestamp&gt;/</c> and points <c>OUT/latest</c> at it.</summary>
public static class BenchOutput
{
    public static string Folder(string outDir) =>
        Path.Combine(outDir, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    public static async Task WriteAsync(BenchReport report, string folder)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "bench.json"), JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport));
        await File.WriteAllTextAsync(Path.Combine(folder, "bench.svg"), Chart.Render(report));
        await File.WriteAllTextAsync(Path.Combine(folder, "bench.md"), Table.Render(report));
        // A relative link, so the output folder can be moved or copied whole.
        var latest = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(folder))!, "latest");
        if (new FileInfo(latest).LinkTarget is not null) File.Delete(latest);
        Directory.CreateSymbolicLink(latest, Path.GetFileName(folder));
    }

    /// <summary>Redraws the chart and table of an earlier run from its bench.json (e.g. after the chart changed).</summary>
    public static async Task<BenchReport> RedrawAsync(string folder)
    {
        var saved = JsonSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(folder, "bench.json")), BenchJsonContext.Default.BenchReport)!;
        await File.WriteAllTextAsync(Path.Combine(folder, "bench.svg"), Chart.Render(saved));
        await File.WriteAllTextAsync(Path.Combine(folder, "bench.md"), Table.Render(saved));
        return saved;
    }
}
