using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Observability;

/// <summary>
/// The real graph, with every process also writing its finished spans as JSON lines to one directory,
/// and logging as JSON to the console.
/// </summary>
public sealed class ObservabilityGraphFixture : GoxecGraphFixture
{
    public string SpanDirectory { get; } = Directory.CreateTempSubdirectory("goxec-spans-").FullName;

    protected override Dictionary<string, string> Environment() =>
        new(base.Environment())
        {
            ["Telemetry__SpanDirectory"] = SpanDirectory,
            ["Logging__Console__FormatterName"] = "json",
        };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(SpanDirectory, recursive: true);
    }
}
