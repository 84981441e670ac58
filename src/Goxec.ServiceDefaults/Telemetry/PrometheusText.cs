using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Goxec.Telemetry;

/// <summary>
/// Renders OpenTelemetry metrics in the Prometheus text exposition format (0.0.4): counters as
/// <c>name_total</c>, histograms as cumulative <c>_bucket{le=...}</c>, <c>_sum</c>, <c>_count</c>, the rest plain.
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Render(StringBuilder text, Metric metric)
    {
        var name = Name(metric.Name, metric.Unit);
        var (type, suffix) = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => ("counter", "_total"),
            MetricType.Histogram => ("histogram", ""),
            _ => ("gauge", ""),
        };
        name += suffix;
        if (!string.IsNullOrEmpty(metric.Description)) text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(metric.Description)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point.Tags);
            if (metric.MetricType == MetricType.Histogram)
            {
                long cumulative = 0;
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    cumulative += bucket.BucketCount;
                    var le = Label("le", Number(bucket.ExplicitBound));
                    Sample(text, name + "_bucket", labels.Length == 0 ? le : labels + "," + le, cumulative.ToString(CultureInfo.InvariantCulture));
                }
                Sample(text, name + "_sum", labels, Number(point.GetHistogramSum()));
                Sample(text, name + "_count", labels, point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                var value = metric.MetricType switch
                {
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong().ToString(CultureInfo.InvariantCulture),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => Number(point.GetSumDouble()),
                    MetricType.LongGauge => point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture),
                    _ => Number(point.GetGaugeLastValueDouble()),
                };
                Sample(text, name, labels, value);
            }
        }
    }

    /// <summary>Dots and anything else outside [a-zA-Z0-9_:] become underscores; the unit is a suffix (<c>s</c> → <c>_seconds</c>).</summary>
    public static string Name(string name, string? unit)
    {
        var clean = Sanitize(name);
        var unitSuffix = unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            "1" or null or "" => "",
            _ when unit.StartsWith('{') => "", // an annotation such as {job}, not a unit
            _ => Sanitize(unit),
        };
        return unitSuffix.Length == 0 || clean.EndsWith("_" + unitSuffix, StringComparison.Ordinal) ? clean : clean + "_" + unitSuffix;
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_').ToArray();
        if (chars.Length > 0 && char.IsAsciiDigit(chars[0])) return "_" + new string(chars);
        return new string(chars);
    }

    private static string Labels(ReadOnlyTagCollection tags)
    {
        var labels = new List<string>();
        foreach (var tag in tags)
            labels.Add(Label(Sanitize(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? ""));
        return string.Join(',', labels);
    }

    private static string Label(string key, string value) => $"{key}=\"{EscapeLabel(value)}\"";

    private static string EscapeLabel(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static string EscapeHelp(string value) => value.Replace("\\", "\\\\").Replace("\n", "\\n");

    private static void Sample(StringBuilder text, string name, string labels, string value)
    {
        text.Append(name);
        if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(value).Append('\n');
    }

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Captures the text of the metrics a collection hands it. Declared push (the default): the SDK only
/// lets its own exporters pull, and a plain <see cref="BaseExportingMetricReader"/> has no timer, so
/// it exports only when <see cref="PrometheusScrapeReader.Scrape"/> collects.
/// </summary>
public sealed class PrometheusTextExporter : BaseExporter<Metric>
{
    public string Text { get; private set; } = "";

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var text = new StringBuilder();
        foreach (var metric in batch) PrometheusText.Render(text, metric);
        Text = text.ToString();
        return ExportResult.Success;
    }
}

/// <summary>A reader collected on request: each scrape of <c>/metrics</c> collects and renders the current values.</summary>
public sealed class PrometheusScrapeReader(PrometheusTextExporter text) : BaseExportingMetricReader(text)
{
    private readonly Lock _gate = new();

    public PrometheusScrapeReader() : this(new PrometheusTextExporter()) { }

    public string Scrape()
    {
        lock (_gate)
        {
            return Collect(5000) ? text.Text : throw new TimeoutException("Collecting metrics took longer than 5 s.");
        }
    }
}
