namespace Goxec.Bench;

/// <summary>The hello-world programs every scenario runs, and the output each must print.</summary>
public static class Programs
{
    public static readonly string[] Languages = ["python", "c"];

    public static string Code(string language, string token) => language switch
    {
        "python" => $"print('{token}')",
        "c" => $"#include <stdio.h>\nint main(void) {{ puts(\"{token}\"); return 0; }}\n",
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "No benchmark program for this language."),
    };
}
