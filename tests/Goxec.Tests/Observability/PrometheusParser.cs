using System.Globalization;
using System.Text.RegularExpressions;

namespace Goxec.Tests.Observability;

/// <summary>
/// A strict reader of the Prometheus text format (0.0.4), enough to hold an exporter to it: every line
/// is a comment, a HELP/TYPE line or a well-formed sample; a TYPE comes before its samples and once;
/// histogram buckets are cumulative and end in +Inf equal to _count.
/// </summary>
public sealed partial class PrometheusParser
{
    public List<string> Errors { get; } = [];
    public List<Sample> Samples { get; } = [];
    public Dictionary<string, string> Types { get; } = [];

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public static PrometheusParser Parse(string text)
    {
        var parser = new PrometheusParser();
        if (text.Length > 0 && !text.EndsWith('\n')) parser.Errors.Add("The text does not end with a newline.");
        var lines = text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
        foreach (var (line, number) in lines.Select((l, i) => (l, i + 1)))
            parser.Line(line, number);
        parser.CheckHistograms();
        return parser;
    }

    /// <summary>The sum of a metric's samples over every label set (0 when absent).</summary>
    public double Total(string name) => Samples.Where(s => s.Name == name).Sum(s => s.Value);

    private void Line(string line, int number)
    {
        if (line.Length == 0) { Errors.Add($"{number}: empty line"); return; }
        if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
        {
            var m = TypeLine().Match(line);
            if (!m.Success) Errors.Add($"{number}: bad TYPE: {line}");
            else if (!Types.TryAdd(m.Groups[1].Value, m.Groups[2].Value)) Errors.Add($"{number}: second TYPE for {m.Groups[1].Value}");
            else if (Samples.Any(s => Family(s.Name) == m.Groups[1].Value)) Errors.Add($"{number}: TYPE after samples of {m.Groups[1].Value}");
            return;
        }
        if (line.StartsWith("# HELP ", StringComparison.Ordinal))
        {
            if (!HelpLine().IsMatch(line)) Errors.Add($"{number}: bad HELP: {line}");
            return;
        }
        if (line.StartsWith('#')) return;

        var sample = SampleLine().Match(line);
        if (!sample.Success) { Errors.Add($"{number}: bad sample: {line}"); return; }
        var labels = new Dictionary<string, string>();
        var body = sample.Groups["labels"].Value;
        var position = 0;
        while (position < body.Length)
        {
            var label = LabelPair().Match(body, position);
            if (!label.Success || label.Index != position) { Errors.Add($"{number}: bad labels: {line}"); return; }
            var value = Regex.Replace(label.Groups[2].Value, @"\\(.)", e => e.Groups[1].Value switch { "n" => "\n", var c => c });
            if (!labels.TryAdd(label.Groups[1].Value, value)) Errors.Add($"{number}: label {label.Groups[1].Value} twice");
            position = label.Index + label.Length;
            if (position < body.Length && body[position] == ',') position++;
        }
        var valueText = sample.Groups["value"].Value;
        double parsed = valueText switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, "NaN" => double.NaN, _ => 0 };
        if (valueText is not ("+Inf" or "-Inf" or "NaN") && !double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out parsed))
            Errors.Add($"{number}: bad value: {line}");
        var name = sample.Groups["name"].Value;
        if (!Types.ContainsKey(Family(name))) Errors.Add($"{number}: sample {name} without a TYPE");
        Samples.Add(new Sample(name, labels, parsed));
    }

    private string Family(string name)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            if (name.EndsWith(suffix, StringComparison.Ordinal) && Types.TryGetValue(name[..^suffix.Length], out var type) && type == "histogram")
                return name[..^suffix.Length];
        return name;
    }

    private void CheckHistograms()
    {
        foreach (var histogram in Types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var series = Samples.Where(s => s.Name == histogram + "_bucket")
                .GroupBy(s => string.Join(',', s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
            foreach (var buckets in series)
            {
                var list = buckets.ToList();
                if (list.Any(b => !b.Labels.ContainsKey("le"))) { Errors.Add($"{histogram}: a bucket without le"); continue; }
                if (list[^1].Labels["le"] != "+Inf") Errors.Add($"{histogram}: the last bucket is not +Inf");
                for (var i = 1; i < list.Count; i++)
                    if (list[i].Value < list[i - 1].Value) Errors.Add($"{histogram}: buckets are not cumulative");
                var count = Samples.FirstOrDefault(s => s.Name == histogram + "_count"
                    && string.Join(',', s.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")) == buckets.Key);
                if (count is null || count.Value != list[^1].Value) Errors.Add($"{histogram}: _count differs from the +Inf bucket");
            }
        }
    }

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* (?:[^\\\n]|\\\\|\\n)*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^\n]*)\})? (?<value>\S+)(?: -?[0-9]+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\\n]|\\\\|\\""|\\n)*)""")]
    private static partial Regex LabelPair();
}
