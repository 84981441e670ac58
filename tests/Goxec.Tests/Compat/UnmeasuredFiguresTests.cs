using System.Text.Json;
using Goxec.Api.Compat.Judge0;
using Microsoft.AspNetCore.Builder;
using Goxec.Jobs;

namespace Goxec.Tests.Compat;

/// <summary>A figure the worker's host could not measure stays null through every API that shows it — never 0.</summary>
public sealed class UnmeasuredFiguresTests
{
    private static readonly IReadOnlyDictionary<string, string> Notes = new Dictionary<string, string>
    {
        ["cpuTimeMs"] = "no cgroup of the container found", ["memoryKb"] = "no cgroup of the container found",
    };

    private static readonly StageResult Unmeasured = new("hi\n", "", 0, null, 12, MeasurementNotes: Notes);

    private static JobView Job(StageResult run) => new("0123456789abcdef0123456789abcdef", "python", JobStatus.Completed, Verdict.Accepted, null, run, null, 1, "w",
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Goxec_json_has_null_figures_and_says_why()
    {
        var json = JsonSerializer.SerializeToElement(Unmeasured, GoxecJsonContext.Default.StageResult);

        Assert.Equal(JsonValueKind.Null, json.GetProperty("cpuTimeMs").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("memoryKb").ValueKind);
        Assert.Equal("no cgroup of the container found", json.GetProperty("measurementNotes").GetProperty("memoryKb").GetString());
    }

    [Fact]
    public void Measured_figures_carry_no_notes()
    {
        var json = JsonSerializer.SerializeToElement(new StageResult("", "", 0, null, 12, CpuTimeMs: 0, MemoryKb: 5120), GoxecJsonContext.Default.StageResult);

        Assert.Equal(0, json.GetProperty("cpuTimeMs").GetInt64());
        Assert.Equal(5120, json.GetProperty("memoryKb").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("measurementNotes").ValueKind);
    }

    [Fact]
    public void Judge0_time_and_memory_are_null()
    {
        var submission = Judge0Submission.Render(Job(Unmeasured), null, "time,memory,wall_time", base64: false, new Judge0Languages(Goxec.Languages.LanguageCatalog.LoadDefault()))!;

        Assert.Null(submission["time"]);
        Assert.Null(submission["memory"]);
        Assert.Equal("0.012", submission["wall_time"]!.GetValue<string>());
    }

    [Fact]
    public void Piston_cpu_time_and_memory_are_null()
    {
        var stage = PistonApi.Stage(Unmeasured, Job(Unmeasured));

        Assert.Null(stage["cpu_time"]);
        Assert.Null(stage["memory"]);
        Assert.Equal(12, stage["wall_time"]!.GetValue<long>());
    }
}
