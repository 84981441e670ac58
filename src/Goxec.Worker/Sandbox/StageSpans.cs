using System.Diagnostics;
using Goxec.Jobs;

namespace Goxec.Worker.Sandbox;

/// <summary>The "stage compile" and "stage run" spans and the stage duration metric, the same for every driver.</summary>
internal static class StageSpans
{
    public static Activity? Start(string stage, string language)
    {
        var span = GoxecDiagnostics.Worker.StartActivity("stage " + stage);
        span?.SetTag("goxec.stage", stage);
        span?.SetTag("goxec.language", language);
        return span;
    }

    public static StageResult Record(Activity? span, string stage, string language, StageResult result)
    {
        span?.SetTag("process.exit.code", result.ExitCode);
        if (result.LimitExceeded is not null) span?.SetTag("goxec.limit_exceeded", result.LimitExceeded.ToString());
        GoxecMetrics.StageDuration.Record(result.WallTimeMs / 1000.0, new("stage", stage), new("language", language));
        return result;
    }
}
