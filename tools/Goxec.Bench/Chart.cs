using System.Globalization;
using System.Net;
using System.Text;

namespace Goxec.Bench;

/// <summary>
/// An SVG a person can read without tools: per end-to-end scenario, a bar for p50 with p90 and p99
/// markers, and the floors as dashed reference lines; beside it, jobs per second against the floors'.
/// </summary>
public static class Chart
{
    private const int PanelWidth = 560, PanelHeight = 360, Top = 110, Left = 70, Bottom = 110, Gap = 80;
    private static readonly string[] Colours = ["#16a085", "#8e44ad", "#7f8c8d"];
    private const string FloorColour = "#c0392b";

    public static string Render(BenchReport report)
    {
        var svg = new StringBuilder();
        var width = Left + PanelWidth * 2 + Gap + 40;
        var height = Top + PanelHeight + Bottom + 40;
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height}" fill="white"/>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{Left}" y="24" font-size="16" font-weight="bold">Goxec bench, {report.StartedAt:yyyy-MM-dd HH:mm} UTC, {report.Machine.Cores} cores (load {report.Machine.LoadAverage1m:0.0} at start)</text>""");
        if (report.Ingest is { } ingest)
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{Left}" y="44">Ingest (workers paused): {ingest.AcceptedPerSecond:0} accepted/s over {ingest.Connections} connections, POST p50 {ingest.P50:0.0} / p90 {ingest.P90:0.0} / p99 {ingest.P99:0.0} ms; {ingest.Completed} of {ingest.Accepted} completed after the drain, {ingest.Lost} lost, {ingest.Duplicates} duplicated</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{Left}" y="62"><tspan fill="{FloorColour}" font-weight="bold">- - -</tspan> over each bar: its floor at the same concurrency (fresh container via the Engine API, same language; namespace driver's latency: the bare process)</text>""");

        var e2e = report.EndToEnd;
        Scenario? Floor(string? name, Scenario s) => report.Floors.FirstOrDefault(f => f.Name == name && f.Concurrency == s.Concurrency);
        var others = report.Floors.Where(f => f.Concurrency == 1 && !f.Name.StartsWith("engine", StringComparison.Ordinal)).ToList();
        Panel(svg, Left, "End-to-end latency, ms (bar p50, ▬ p90, ● p99)", e2e, s => s.P50, s => [s.P90, s.P99], s => Floor(s.Floor, s)?.P50,
            others.Select(f => (f.Name + " p50, one at a time", f.P50)).ToList());
        Panel(svg, Left + PanelWidth + Gap, "Throughput, jobs/s", e2e, s => s.PerSecond, _ => [], s => Floor(s.ThroughputFloor ?? s.Floor, s)?.PerSecond, []);
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int x0, string title, IReadOnlyList<Scenario> scenarios, Func<Scenario, double> bar,
        Func<Scenario, double[]> markers, Func<Scenario, double?> floor, IReadOnlyList<(string Name, double Value)> references)
    {
        var y0 = Top + PanelHeight;
        var highest = new[] { 1.0 }.Concat(scenarios.Select(bar)).Concat(scenarios.SelectMany(markers))
            .Concat(scenarios.Select(s => floor(s) ?? 0)).Concat(references.Select(r => r.Value)).Max();
        var step = NiceStep(highest / 5);
        var max = Math.Ceiling(highest / step) * step;
        double Y(double v) => y0 - v / max * PanelHeight;
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{x0}" y="{Top - 12}" font-weight="bold">{Escape(title)}</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{x0}" y1="{Top}" x2="{x0}" y2="{y0}" stroke="black"/><line x1="{x0}" y1="{y0}" x2="{x0 + PanelWidth}" y2="{y0}" stroke="black"/>""");
        for (var v = 0.0; v <= max + step / 2; v += step)
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{x0 - 4}" y1="{Y(v):0.#}" x2="{x0 + PanelWidth}" y2="{Y(v):0.#}" stroke="#eee"/><text x="{x0 - 6}" y="{Y(v) + 4:0.#}" text-anchor="end">{v:0.##}</text>""");
        for (var r = 0; r < references.Count; r++)
        {
            var (name, value) = references[r];
            var colour = Colours[r % Colours.Length];
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{x0}" y1="{Y(value):0.#}" x2="{x0 + PanelWidth}" y2="{Y(value):0.#}" stroke="{colour}" stroke-dasharray="2 3" stroke-width="1.5"/>""");
            // Labels stacked in a legend rather than on their lines, which may lie close together.
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{x0 + 10}" y1="{Top + 10 + r * 16}" x2="{x0 + 34}" y2="{Top + 10 + r * 16}" stroke="{colour}" stroke-dasharray="2 3" stroke-width="1.5"/><text x="{x0 + 40}" y="{Top + 14 + r * 16}" fill="{colour}">floor: {Escape(name)} = {value:0.#}</text>""");
        }
        var slot = scenarios.Count == 0 ? PanelWidth : (double)PanelWidth / scenarios.Count;
        for (var i = 0; i < scenarios.Count; i++)
        {
            var s = scenarios[i];
            var cx = x0 + slot * (i + 0.5);
            var w = Math.Min(36, slot * 0.6);
            var fill = (s.Language, s.Driver, s.Pool) switch
            {
                ("python", "namespaces", _) => "#1e8449",
                (_, "namespaces", _) => "#7d3c98",
                ("python", _, "on") => "#5dade2",
                ("python", _, _) => "#2874a6",
                (_, _, "on") => "#f5b041",
                _ => "#b9770e",
            };
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{cx - w / 2:0.#}" y="{Y(bar(s)):0.#}" width="{w:0.#}" height="{y0 - Y(bar(s)):0.#}" fill="{fill}"><title>{Escape(s.Name)}: {bar(s):0.#}</title></rect>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{cx:0.#}" y="{Y(bar(s)) - 4:0.#}" text-anchor="middle" font-size="10">{bar(s):0.#}</text>""");
            var m = markers(s);
            if (m.Length > 0) svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{cx - w / 2:0.#}" y1="{Y(m[0]):0.#}" x2="{cx + w / 2:0.#}" y2="{Y(m[0]):0.#}" stroke="black" stroke-width="3"/>""");
            if (m.Length > 1) svg.AppendLine(CultureInfo.InvariantCulture, $"""<circle cx="{cx:0.#}" cy="{Y(m[1]):0.#}" r="3.5" fill="black"/>""");
            if (floor(s) is { } f)
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{cx - w / 2 - 8:0.#}" y1="{Y(f):0.#}" x2="{cx + w / 2 + 8:0.#}" y2="{Y(f):0.#}" stroke="{FloorColour}" stroke-dasharray="4 3" stroke-width="2"><title>floor {f:0.#}</title></line>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text transform="translate({cx + 4:0.#},{y0 + 8}) rotate(60)">{Escape(s.Name)}</text>""");
        }
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{x0 + PanelWidth / 2}" y="{y0 + Bottom + 20}" text-anchor="middle">scenario (language, concurrency, warm pool or namespace driver)</text>""");
    }

    /// <summary>1, 2 or 5 times a power of ten: axis ticks a person can read.</summary>
    private static double NiceStep(double rough)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(rough, 1e-9))));
        return new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(v => v >= rough);
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
