var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// `Goxec.Worker janitor` runs no jobs: it cleans up after the deployment when it is torn down.
if (args is [Goxec.Worker.Sandbox.TeardownJanitor.Command, ..]) builder.AddTeardownJanitor();
else builder.AddWorkerServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
