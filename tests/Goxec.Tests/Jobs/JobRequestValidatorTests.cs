using Goxec.Api.Jobs;
using Goxec.Jobs;
using Goxec.Languages;
using Microsoft.Extensions.Options;

namespace Goxec.Tests.Jobs;

public class JobRequestValidatorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private readonly JobRequestValidator _validator = new(LanguageCatalog.LoadDefault(), Options.Create(new SubmissionOptions { MaxSourceBytes = 100, MaxStdinBytes = 10 }));

    private (JobSpec? Spec, Dictionary<string, string[]> Errors) Validate(SubmitJobRequest request) => _validator.Validate(request, "abc", Now);

    [Fact]
    public void Code_becomes_the_languages_entry_file()
    {
        var (spec, errors) = Validate(new SubmitJobRequest("py", "print(1)", null, "x", ["a"]));

        Assert.Empty(errors);
        Assert.Equal("python", spec!.Language);
        Assert.Equal([new SourceFile("main.py", "print(1)")], spec.Files);
        Assert.Equal(["a"], spec.Args);
    }

    [Theory]
    [InlineData(null, "language", "required")]
    [InlineData("pyhton", "language", "Did you mean python")]
    [InlineData("klingon", "language", "Unknown language 'klingon'")]
    public void Language_problems_name_the_field(string? language, string field, string message)
    {
        var (spec, errors) = Validate(new SubmitJobRequest(language, "x", null, null, null));

        Assert.Null(spec);
        Assert.Contains(message, Assert.Single(errors[field]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    public void Empty_code_is_refused(string code) =>
        Assert.Contains("must not be empty", Assert.Single(Validate(new SubmitJobRequest("python", code, null, null, null)).Errors["code"]));

    [Fact]
    public void Oversized_code_and_stdin_are_refused()
    {
        var (_, errors) = Validate(new SubmitJobRequest("python", new string('x', 101), null, new string('y', 11), null));

        Assert.Contains("limit of 100 bytes", errors["code"][0]);
        Assert.Contains("limit of 10 bytes", errors["stdin"][0]);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("/abs")]
    [InlineData("a/b.py")]
    [InlineData(".hidden")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("sp ace.py")]
    public void File_names_with_paths_or_oddities_are_refused(string name)
    {
        var (spec, errors) = Validate(new SubmitJobRequest("python", null, [new SourceFile(name, "x")], null, null));

        Assert.Null(spec);
        Assert.True(errors.ContainsKey("files[0].name"), string.Join(", ", errors.Keys));
    }

    [Fact]
    public void First_file_is_the_entry_point_unless_one_has_the_entry_name()
    {
        var renamed = Validate(new SubmitJobRequest("python", null, [new("app.py", "import util"), new("util.py", "x=1")], null, null)).Spec!;
        var kept = Validate(new SubmitJobRequest("python", null, [new("util.py", "x=1"), new("main.py", "import util")], null, null)).Spec!;

        Assert.Equal(["main.py", "util.py"], renamed.Files.Select(f => f.Name));
        Assert.Equal(["util.py", "main.py"], kept.Files.Select(f => f.Name));
    }

    [Fact]
    public void Code_and_files_together_are_refused() =>
        Assert.Contains("either code or files", Validate(new SubmitJobRequest("python", "x", [new("a.py", "x")], null, null)).Errors["code"][0]);

    [Fact]
    public void Arguments_with_nul_are_refused() =>
        Assert.True(Validate(new SubmitJobRequest("python", "x", null, null, ["ok", "bad\0"])).Errors.ContainsKey("args"));
}

public class JobLimitsValidationTests
{
    private readonly JobRequestValidator _validator = new(LanguageCatalog.LoadDefault(), Options.Create(new SubmissionOptions()));

    [Fact]
    public void Limits_default_when_left_out_and_compile_limits_only_for_compiled_languages()
    {
        var python = _validator.Validate(new SubmitJobRequest("python", "print(1)", null, null, null), "a", DateTimeOffset.UnixEpoch).Spec!;
        var c = _validator.Validate(new SubmitJobRequest("c", "int main(){}", null, null, null, new JobLimits(CpuTimeMs: 1000)), "b", DateTimeOffset.UnixEpoch).Spec!;

        Assert.Equal(StageLimits.RunDefaults, python.Limits);
        Assert.Null(python.CompileLimits);
        Assert.Equal(1000, c.Limits!.CpuTimeMs);
        Assert.Equal(StageLimits.RunDefaults.MemoryMb, c.Limits.MemoryMb);
        Assert.Equal(StageLimits.CompileDefaults, c.CompileLimits);
    }

    [Theory]
    [InlineData(0, "limits.memoryMb")]
    [InlineData(1_000_000, "limits.memoryMb")]
    public void Out_of_range_limits_name_the_field(int memoryMb, string field)
    {
        var (spec, errors) = _validator.Validate(new SubmitJobRequest("python", "x", null, null, null, new JobLimits(MemoryMb: memoryMb)), "a", DateTimeOffset.UnixEpoch);

        Assert.Null(spec);
        Assert.Contains("between 1 and", Assert.Single(errors[field]));
    }

    [Fact]
    public void Compile_limits_are_checked_against_their_own_maxima()
    {
        var (_, errors) = _validator.Validate(new SubmitJobRequest("cpp", "x", null, null, null, null, new JobLimits(WallTimeMs: -1, MaxFileSizeKb: int.MaxValue)), "a", DateTimeOffset.UnixEpoch);

        Assert.True(errors.ContainsKey("compileLimits.wallTimeMs"));
        Assert.True(errors.ContainsKey("compileLimits.maxFileSizeKb"));
    }

    [Fact]
    public void Compile_limits_for_an_interpreted_language_are_refused() =>
        Assert.True(_validator.Validate(new SubmitJobRequest("python", "x", null, null, null, null, new JobLimits()), "a", DateTimeOffset.UnixEpoch).Errors.ContainsKey("compileLimits"));

    [Fact]
    public void Defaults_above_maxima_fail_the_start() =>
        Assert.False(new SubmissionOptions { RunDefaults = new StageLimits { MemoryMb = 4096 } }.LimitsAreConsistent());
}
