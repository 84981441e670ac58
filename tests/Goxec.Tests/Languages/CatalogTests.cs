using System.Text.RegularExpressions;
using Goxec.AppHost;
using Goxec.Languages;

namespace Goxec.Tests.Languages;

/// <summary>The language folders as data: complete, loadable, with editor modes the IDE knows and Judge0 ids as Judge0 CE has them.</summary>
public partial class CatalogTests
{
    private static readonly string Runtimes = Path.Combine(Repository.Root, "runtimes");
    private static readonly LanguageCatalog Catalog = LanguageCatalog.Load(Runtimes);

    [Fact]
    public void Eighty_languages_or_more_each_with_its_image_and_test_programs()
    {
        Assert.True(Catalog.All.Count >= 80, $"only {Catalog.All.Count} languages");
        Assert.All(Catalog.All, language =>
        {
            var folder = Path.Combine(Runtimes, language.Id);
            Assert.True(File.Exists(Path.Combine(folder, "Dockerfile")), $"{language.Id}: no Dockerfile");
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(folder, "tests"), "sum*.*"));
            var fail = File.ReadLines(Path.Combine(folder, "tests", "expect.yaml")).Single(l => l.StartsWith("fail:", StringComparison.Ordinal))[5..].Trim();
            Assert.Contains(fail, new[] { "compile_error", "runtime_error", "none" });
            Assert.Equal(fail == "none" ? 0 : 1, Directory.EnumerateFiles(Path.Combine(folder, "tests"), "fail.*").Count());
            Assert.False(string.IsNullOrWhiteSpace(language.Template), $"{language.Id}: no template");
            Assert.NotEmpty(language.Version);
        });
    }

    [Fact]
    public void Every_editor_mode_is_one_the_web_app_registers_with_Monaco()
    {
        var setup = File.ReadAllText(Path.Combine(Repository.Root, "src", "Goxec.Web", "src", "monaco", "setup.ts"));
        var registered = MonacoRegistration().Matches(setup).SelectMany(m => m.Groups[1].Value switch
        {
            // Definitions that register more than one id, or another id than their folder's name.
            "cpp" => ["c", "cpp"],
            "coffee" => ["coffeescript"],
            "systemverilog" => ["systemverilog", "verilog"],
            var folder => new[] { folder },
        }).Append("plaintext").ToHashSet();

        Assert.All(Catalog.All, language => Assert.True(registered.Contains(language.Editor), $"{language.Id}: Monaco has no '{language.Editor}' registered"));
    }

    /// <summary>
    /// Judge0 CE's language table (judge0/judge0 db/languages/active.rb for 43–89, ce.judge0.com for the newer
    /// ids) for the languages Goxec runs, and the ids Judge0's own IDE (judge0/ide) asks for.
    /// </summary>
    [Theory]
    [InlineData(43, "Plain Text", "plaintext")]
    [InlineData(45, "Assembly (NASM 2.14.02)", "assembly")]
    [InlineData(46, "Bash (5.0.0)", "bash")]
    [InlineData(50, "C (GCC 9.2.0)", "c")]
    [InlineData(75, "C (Clang 7.0.1)", "c-clang")]
    [InlineData(51, "C# (Mono 6.6.0.161)", "csharp")]
    [InlineData(76, "C++ (Clang 7.0.1)", "cpp-clang")]
    [InlineData(64, "Lua (5.3.5)", "lua")]
    [InlineData(67, "Pascal (FPC 3.0.4)", "pascal")]
    [InlineData(69, "Prolog (GNU Prolog 1.4.5)", "gnuprolog")]
    [InlineData(70, "Python (2.7.17)", "python2")]
    [InlineData(72, "Ruby (2.7.0)", "ruby")]
    [InlineData(73, "Rust (1.40.0)", "rust")]
    [InlineData(81, "Scala (2.13.2)", "scala")]
    [InlineData(84, "Visual Basic.Net (vbnc 0.0.0.5943)", "vbnet")]
    [InlineData(87, "F# (.NET Core SDK 3.1.202)", "fsharp")]
    [InlineData(91, "Java (JDK 17.0.6)", "java")]
    [InlineData(95, "Go (1.18.5)", "go")]
    [InlineData(98, "PHP (8.3.11)", "php")]
    [InlineData(99, "R (4.4.1)", "r")]
    [InlineData(101, "TypeScript (5.6.2)", "typescript")]
    [InlineData(102, "JavaScript (Node.js 22.08.0)", "javascript")]
    [InlineData(103, "C (GCC 14.1.0)", "c")]
    [InlineData(105, "C++ (GCC 14.1.0)", "cpp")]
    [InlineData(110, "C (Clang 19.1.7)", "c-clang")]
    [InlineData(113, "Python (3.14.0)", "python")]
    public void Judge0_ids_are_Judge0_CEs(int id, string name, string language)
    {
        var owner = Catalog.All.Where(l => l.Judge0.Any(j => j.Id == id)).ToList();

        Assert.Equal([language], owner.Select(l => l.Id));
        Assert.Equal(name, owner[0].Judge0.Single(j => j.Id == id).Name);
    }

    [Fact]
    public void Every_language_has_a_Judge0_id_and_Goxecs_own_ids_stay_clear_of_Judge0s()
    {
        Assert.All(Catalog.All, l => Assert.NotEmpty(l.Judge0));
        // Judge0 CE has no FreeBASIC, Swift, multi-file, Dart or JavaFX here, and no Executable.
        Assert.DoesNotContain(Catalog.All.SelectMany(l => l.Judge0), j => j.Id is 44 or 47 or 83 or 89 or 90 or 96);
        var own = Catalog.All.SelectMany(l => l.Judge0).Where(j => j.Id > 113).ToList();
        Assert.All(own, j => Assert.InRange(j.Id, 1001, 1999));
    }

    /// <summary>
    /// Piston's language names and aliases (engineer-man/piston packages/*/metadata.json, "language",
    /// "aliases" and "provides") for the languages Goxec runs: a Piston client's name finds the same
    /// language here. Where Piston gives one name to two languages, Goxec keeps Judge0's and Piston's
    /// plain meaning: "csharp", "c#" and "cs" are Mono's C# (Piston's csharp), "basic" is Goxec's own
    /// BASIC (Piston's freebasic and basic.net both claim it), "vb" is Visual Basic on .NET.
    /// </summary>
    [Theory]
    [InlineData("awk", "awk"), InlineData("gawk", "awk")]
    [InlineData("bash", "bash"), InlineData("sh", "bash")]
    [InlineData("basic.net", "vbnet"), InlineData("visual-basic", "vbnet"), InlineData("visual-basic.net", "vbnet"), InlineData("vb", "vbnet"),
     InlineData("vb.net", "vbnet"), InlineData("vb-dotnet", "vbnet"), InlineData("dotnet-vb", "vbnet"), InlineData("basic-dotnet", "vbnet"),
     InlineData("dotnet-basic", "vbnet")]
    [InlineData("brainfuck", "brainfuck"), InlineData("bf", "brainfuck")]
    [InlineData("c", "c"), InlineData("gcc", "c"), InlineData("c++", "cpp"), InlineData("cpp", "cpp"), InlineData("g++", "cpp")]
    [InlineData("clojure", "clojure"), InlineData("clj", "clojure"), InlineData("cobol", "cobol"), InlineData("cob", "cobol")]
    [InlineData("coffeescript", "coffeescript"), InlineData("coffee", "coffeescript"), InlineData("crystal", "crystal"), InlineData("cr", "crystal")]
    [InlineData("csharp", "csharp"), InlineData("mono", "csharp"), InlineData("mono-csharp", "csharp"), InlineData("mono-c#", "csharp"),
     InlineData("mono-cs", "csharp"), InlineData("c#", "csharp"), InlineData("cs", "csharp")]
    [InlineData("csharp.net", "csharp-dotnet"), InlineData("dotnet", "csharp-dotnet"), InlineData("c#.net", "csharp-dotnet"), InlineData("cs.net", "csharp-dotnet"),
     InlineData("c#-dotnet", "csharp-dotnet"), InlineData("cs-dotnet", "csharp-dotnet"), InlineData("csharp-dotnet", "csharp-dotnet"),
     InlineData("dotnet-c#", "csharp-dotnet"), InlineData("dotnet-cs", "csharp-dotnet"), InlineData("dotnet-csharp", "csharp-dotnet")]
    [InlineData("d", "d"), InlineData("gdc", "d"), InlineData("dash", "dash")]
    [InlineData("emacs", "emacslisp"), InlineData("el", "emacslisp"), InlineData("elisp", "emacslisp")]
    [InlineData("elixir", "elixir"), InlineData("exs", "elixir"), InlineData("erlang", "erlang"), InlineData("erl", "erlang"), InlineData("escript", "erlang")]
    [InlineData("forth", "forth"), InlineData("gforth", "forth"), InlineData("fortran", "fortran"), InlineData("f90", "fortran")]
    [InlineData("fsharp.net", "fsharp"), InlineData("fsharp", "fsharp"), InlineData("fs", "fsharp"), InlineData("f#", "fsharp"), InlineData("fs.net", "fsharp"),
     InlineData("f#.net", "fsharp"), InlineData("fsharp-dotnet", "fsharp"), InlineData("fs-dotnet", "fsharp"), InlineData("f#-dotnet", "fsharp"),
     InlineData("dotnet-fsharp", "fsharp"), InlineData("dotnet-fs", "fsharp")]
    [InlineData("go", "go"), InlineData("golang", "go"), InlineData("groovy", "groovy"), InlineData("gvy", "groovy"), InlineData("haskell", "haskell"), InlineData("hs", "haskell")]
    [InlineData("iverilog", "verilog"), InlineData("verilog", "verilog"), InlineData("vvp", "verilog")]
    [InlineData("java", "java"), InlineData("kotlin", "kotlin"), InlineData("kt", "kotlin")]
    [InlineData("javascript", "javascript"), InlineData("js", "javascript"), InlineData("node", "javascript"), InlineData("node-js", "javascript"), InlineData("node-javascript", "javascript")]
    [InlineData("lisp", "commonlisp"), InlineData("cl", "commonlisp"), InlineData("sbcl", "commonlisp"), InlineData("commonlisp", "commonlisp")]
    [InlineData("lua", "lua"), InlineData("nim", "nim"), InlineData("ocaml", "ocaml"), InlineData("ml", "ocaml"), InlineData("octave", "octave"), InlineData("matlab", "octave")]
    [InlineData("nasm", "assembly"), InlineData("asm", "assembly"), InlineData("nasm32", "assembly"), InlineData("nasm64", "assembly"), InlineData("asm64", "assembly")]
    [InlineData("pascal", "pascal"), InlineData("freepascal", "pascal"), InlineData("pas", "pascal"), InlineData("pp", "pascal")]
    [InlineData("perl", "perl"), InlineData("pl", "perl"), InlineData("php", "php"), InlineData("php8", "php"), InlineData("prolog", "prolog"), InlineData("plg", "prolog")]
    [InlineData("python", "python"), InlineData("py", "python"), InlineData("py3", "python"), InlineData("python3", "python"), InlineData("python2", "python2"), InlineData("py2", "python2")]
    [InlineData("racket", "racket"), InlineData("rkt", "racket"), InlineData("raku", "raku"), InlineData("rakudo", "raku"), InlineData("perl6", "raku"), InlineData("p6", "raku"), InlineData("pl6", "raku")]
    [InlineData("rscript", "r"), InlineData("r", "r"), InlineData("ruby", "ruby"), InlineData("rb", "ruby"), InlineData("ruby3", "ruby"), InlineData("rust", "rust"), InlineData("rs", "rust")]
    [InlineData("scala", "scala"), InlineData("sc", "scala"), InlineData("sqlite3", "sqlite"), InlineData("sql", "sqlite"), InlineData("sqlite", "sqlite")]
    [InlineData("typescript", "typescript"), InlineData("ts", "typescript"), InlineData("tsc", "typescript"), InlineData("node-ts", "typescript"),
     InlineData("ts5", "typescript"), InlineData("typescript5", "typescript")]
    public void Pistons_language_names_and_aliases_find_the_same_language(string piston, string language) =>
        Assert.Equal(language, Catalog.Find(piston)?.Id);

    [Fact]
    public void A_Judge0_id_claimed_twice_is_refused()
    {
        LanguageDefinition Language(string id) => new() { Id = id, Name = id, File = "main", Run = ["true"], Judge0 = [new Judge0Id(71, "Python (3.8.1)")] };

        var error = Assert.Throws<InvalidOperationException>(() => new LanguageCatalog([Language("a"), Language("b")]));
        Assert.Equal("Judge0 id 71 is claimed by both a and b.", error.Message);
    }

    [Fact]
    public void A_Judge0_entry_without_a_name_takes_the_languages()
    {
        var folder = Directory.CreateTempSubdirectory("goxec-catalog-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "x"));
            File.WriteAllText(Path.Combine(folder, "x", "runtime.yaml"), "id: x\nname: X Lang\nfile: main.x\nrun: [x, main.x]\njudge0: [{id: 1500}, {id: 1501, name: \"X (1.0)\"}]\n");

            var x = LanguageCatalog.Load(folder).Find("x")!;

            Assert.Equal([new Judge0Id(1500, "X Lang"), new Judge0Id(1501, "X (1.0)")], x.Judge0);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [GeneratedRegex(@"monaco-editor/languages/definitions/([a-z0-9-]+)/register")]
    private static partial Regex MonacoRegistration();
}
