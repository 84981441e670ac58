using Goxec.Bench;

if (args is ["--redraw", var earlier])
{
    Console.WriteLine(Table.Render(await BenchOutput.RedrawAsync(earlier)));
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
return await BenchCommand.RunAsync(options);
