using Goxec.Jobs;
using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Sandbox;

public class VerdictsTests
{
    private static readonly StageLimits Limits = StageLimits.RunDefaults;

    private static StageResult Run(string stdout = "", int? exit = 0, string? signal = null, string? exceeded = null, bool truncated = false) =>
        new(stdout, "", exit, signal, 10, OutputTruncated: truncated, LimitExceeded: exceeded);

    [Theory]
    [InlineData("cpu", "time_limit_exceeded", "CPU time")]
    [InlineData("wall", "time_limit_exceeded", "Wall time")]
    [InlineData("memory", "memory_limit_exceeded", "Memory")]
    [InlineData("output", "output_limit_exceeded", "Output")]
    public void Limits_name_the_verdict_and_which_limit(string exceeded, string verdict, string message)
    {
        var (v, m) = Verdicts.OfRun(Run(exit: 137, signal: "SIGKILL", exceeded: exceeded), Limits, null);

        Assert.Equal(verdict, System.Text.Json.JsonSerializer.Serialize(v).Trim('"'));
        Assert.Contains(message, m);
    }

    [Fact]
    public void Runtime_errors_say_the_signal_or_exit_code()
    {
        Assert.Equal((Verdict.RuntimeError, "The program was ended by SIGSEGV."), Verdicts.OfRun(Run(exit: 139, signal: "SIGSEGV"), Limits, null));
        Assert.Equal((Verdict.RuntimeError, "The program exited with code 3."), Verdicts.OfRun(Run(exit: 3), Limits, null));
    }

    [Theory]
    [InlineData("1\n2\n", "1\n2", "accepted")]
    [InlineData("1  \n2\t\n\n\n", "1\n2\n", "accepted")]
    [InlineData("1\r\n2\r\n", "1\n2\n", "accepted")]
    [InlineData("1\n3\n", "1\n2\n", "wrong_answer")]
    [InlineData(" 1\n", "1\n", "wrong_answer")]
    [InlineData("1\n\n2\n", "1\n2\n", "wrong_answer")]
    public void Expected_output_ignores_trailing_whitespace_and_blank_lines_only(string stdout, string expected, string verdict) =>
        Assert.Equal(verdict, System.Text.Json.JsonSerializer.Serialize(Verdicts.OfRun(Run(stdout), Limits, expected).Verdict).Trim('"'));

    [Fact]
    public void Without_expected_output_exit_zero_is_accepted() =>
        Assert.Equal(Verdict.Accepted, Verdicts.OfRun(Run("anything"), Limits, null).Verdict);

    [Fact]
    public void A_failed_program_is_not_a_wrong_answer() =>
        Assert.Equal(Verdict.RuntimeError, Verdicts.OfRun(Run("1\n", exit: 1), Limits, "1\n").Verdict);

    [Fact]
    public void Compile_messages_name_the_limit() =>
        Assert.Contains("CPU time", Verdicts.OfCompile(Run(exit: 137, exceeded: "cpu"), StageLimits.CompileDefaults));

    [Fact]
    public void Ceilings_clamp_and_requests_fill_from_defaults()
    {
        var resolved = StageLimits.RunDefaults.With(new JobLimits(MemoryMb: 64)).AtMost(new StageLimits { WallTimeMs = 3000 });

        Assert.Equal(64, resolved.MemoryMb);
        Assert.Equal(3000, resolved.WallTimeMs);
        Assert.Equal(5000, resolved.CpuTimeMs);
    }
}
