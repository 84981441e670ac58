var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseGateway();
app.MapDefaultEndpoints();
app.MapJobsApi();
app.MapLanguagesApi();
app.MapKeysApi();
app.MapDeadLettersApi();
app.MapStatsApi();
app.MapApiDocs();
app.MapWebUi();

app.Run();
