var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapJobsApi();
app.MapLanguagesApi();
app.MapLimitsApi();
app.MapDeadLettersApi();
app.MapStatsApi();
app.MapWebUi();

app.Run();
