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
    private const int PanelWidth = 560, PanelHeight = 360, Top = 70, Left = 70, Bottom = 110, Gap = 80;
    private static readonly string[] Colours = ["#c0392b", "#8e44ad", "#16a085", "#7f8c8d"];

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

        var e2e = report.EndToEnd;
        var floorsAt1 = report.Floors.Where(f => f.Concurrency == 1).ToList();
        var high = report.Floors.Count == 0 ? 1 : report.Floors.Max(f => f.Concurrency);
        var floorsHigh = report.Floors.Where(f => f.Concurrency == high && f.Name.StartsWith("engine", StringComparison.Ordinal)).ToList();
        Panel(svg, Left, "End-to-end latency, ms (bar p50, ▬ p90, ● p99; floors at concurrency 1)", e2e, s => s.P50, s => [s.P90, s.P99], floorsAt1.Select(f => (f.Name + " p50", f.P50)).ToList());
        Panel(svg, Left + PanelWidth + Gap, $"Throughput, jobs/s (floors at concurrency {high})", e2e, s => s.PerSecond, _ => [], floorsHigh.Select(f => (f.Name, f.PerSecond)).ToList());
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int x0, string title, IReadOnlyList<Scenario> scenarios, Func<Scenario, double> bar,
        Func<Scenario, double[]> markers, IReadOnlyList<(string Name, double Value)> references)
    {
        var y0 = Top + PanelHeight;
        var max = new[] { 1.0 }.Concat(scenarios.Select(bar)).Concat(scenarios.SelectMany(markers)).Concat(references.Select(r => r.Value)).Max() * 1.1;
        double Y(double v) => y0 - v / max * PanelHeight;
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{x0}" y="{Top - 12}" font-weight="bold">{Escape(title)}</text>""");
        // Axes with five labelled ticks.
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{x0}" y1="{Top}" x2="{x0}" y2="{y0}" stroke="black"/><line x1="{x0}" y1="{y0}" x2="{x0 + PanelWidth}" y2="{y0}" stroke="black"/>""");
        for (var t = 0; t <= 5; t++)
        {
            var v = max / 5 * t;
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{x0 - 4}" y1="{Y(v):0.#}" x2="{x0 + PanelWidth}" y2="{Y(v):0.#}" stroke="#eee"/><text x="{x0 - 6}" y="{Y(v) + 4:0.#}" text-anchor="end">{v:0.#}</text>""");
        }
        var slot = scenarios.Count == 0 ? PanelWidth : (double)PanelWidth / scenarios.Count;
        for (var i = 0; i < scenarios.Count; i++)
        {
            var s = scenarios[i];
            var cx = x0 + slot * (i + 0.5);
            var w = Math.Min(36, slot * 0.6);
            var fill = s.Language == "python" ? (s.Pool == "on" ? "#5dade2" : "#2874a6") : (s.Pool == "on" ? "#f5b041" : "#b9770e");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{cx - w / 2:0.#}" y="{Y(bar(s)):0.#}" width="{w:0.#}" height="{y0 - Y(bar(s)):0.#}" fill="{fill}"><title>{Escape(s.Name)}: {bar(s):0.#}</title></rect>""");
            var m = markers(s);
            if (m.Length > 0) svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{cx - w / 2:0.#}" y1="{Y(m[0]):0.#}" x2="{cx + w / 2:0.#}" y2="{Y(m[0]):0.#}" stroke="black" stroke-width="3"/>""");
            if (m.Length > 1) svg.AppendLine(CultureInfo.InvariantCulture, $"""<circle cx="{cx:0.#}" cy="{Y(m[1]):0.#}" r="3.5" fill="black"/>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text transform="translate({cx + 4:0.#},{y0 + 8}) rotate(60)">{Escape(s.Name)}</text>""");
        }
        for (var r = 0; r < references.Count; r++)
        {
            var (name, value) = references[r];
            var colour = Colours[r % Colours.Length];
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{x0}" y1="{Y(value):0.#}" x2="{x0 + PanelWidth}" y2="{Y(value):0.#}" stroke="{colour}" stroke-dasharray="6 4" stroke-width="1.5"/>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{x0 + PanelWidth - 4}" y="{Y(value) - 3:0.#}" text-anchor="end" fill="{colour}">floor: {Escape(name)} {value:0.#}</text>""");
        }
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{x0 + PanelWidth / 2}" y="{y0 + Bottom + 20}" text-anchor="middle">scenario (language, concurrency, warm pool)</text>""");
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
