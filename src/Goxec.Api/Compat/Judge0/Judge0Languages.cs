namespace Goxec.Api.Compat.Judge0;

/// <summary>
/// Judge0 CE's published language ids (v1.13: the 2020 set and the newer 9x/10x ids) for the languages Goxec also runs, with Judge0's names so
/// clients that show them keep working. Several ids may map to one Goxec language (C: GCC 7/8/9 and Clang);
/// the first id listed for a language is the one a submission reports back. 47 (FreeBASIC) is left out: Goxec's
/// BASIC is Yabasic, a different dialect, and a program written for one fails on the other.
/// </summary>
internal static class Judge0Languages
{
    public static readonly IReadOnlyList<Judge0Language> All =
    [
        new(45, "Assembly (NASM 2.14.02)", "assembly"),
        new(46, "Bash (5.0.0)", "bash"),
        new(50, "C (GCC 9.2.0)", "c"),
        new(48, "C (GCC 7.4.0)", "c"),
        new(49, "C (GCC 8.3.0)", "c"),
        new(75, "C (Clang 7.0.1)", "c"),
        new(51, "C# (Mono 6.6.0.161)", "csharp"),
        new(54, "C++ (GCC 9.2.0)", "cpp"),
        new(52, "C++ (GCC 7.4.0)", "cpp"),
        new(53, "C++ (GCC 8.3.0)", "cpp"),
        new(76, "C++ (Clang 7.0.1)", "cpp"),
        new(86, "Clojure (1.10.1)", "clojure"),
        new(77, "COBOL (GnuCOBOL 2.2)", "cobol"),
        new(55, "Common Lisp (SBCL 2.0.0)", "commonlisp"),
        new(56, "D (DMD 2.089.1)", "d"),
        new(57, "Elixir (1.9.4)", "elixir"),
        new(58, "Erlang (OTP 22.2)", "erlang"),
        new(59, "Fortran (GFortran 9.2.0)", "fortran"),
        new(60, "Go (1.13.5)", "go"),
        new(88, "Groovy (3.0.3)", "groovy"),
        new(61, "Haskell (GHC 8.8.1)", "haskell"),
        new(62, "Java (OpenJDK 13.0.1)", "java"),
        new(63, "JavaScript (Node.js 12.14.0)", "javascript"),
        new(78, "Kotlin (1.3.70)", "kotlin"),
        new(64, "Lua (5.3.5)", "lua"),
        new(79, "Objective-C (Clang 7.0.1)", "objectivec"),
        new(65, "OCaml (4.09.0)", "ocaml"),
        new(66, "Octave (5.1.0)", "octave"),
        new(67, "Pascal (FPC 3.0.4)", "pascal"),
        new(85, "Perl (5.28.1)", "perl"),
        new(68, "PHP (7.4.1)", "php"),
        new(69, "Prolog (GNU Prolog 1.4.5)", "prolog"),
        new(71, "Python (3.8.1)", "python"),
        new(80, "R (4.0.0)", "r"),
        new(72, "Ruby (2.7.0)", "ruby"),
        new(73, "Rust (1.40.0)", "rust"),
        new(81, "Scala (2.13.2)", "scala"),
        new(82, "SQL (SQLite 3.27.2)", "sqlite"),
        new(74, "TypeScript (3.7.4)", "typescript"),
        // The newer ids Judge0 CE 1.13 added next to the 2020 set.
        new(91, "Java (JDK 17.0.6)", "java"),
        new(92, "Python (3.11.2)", "python"),
        new(93, "JavaScript (Node.js 18.15.0)", "javascript"),
        new(95, "Go (1.18.5)", "go"),
        new(103, "C (GCC 14.1.0)", "c"),
        new(104, "C (Clang 18.1.8)", "c"),
        new(105, "C++ (GCC 14.1.0)", "cpp"),
    ];

    public static Judge0Language? Find(int id) => All.FirstOrDefault(l => l.Id == id);

    public static int? IdOf(string goxecLanguage) => All.FirstOrDefault(l => l.Goxec == goxecLanguage)?.Id;
}

internal sealed record Judge0Language(int Id, string Name, string Goxec);
