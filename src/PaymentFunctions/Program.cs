using PaymentFunctions.Bookings;
using PaymentFunctions.Hosting;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments;
using PaymentFunctions.Storage;
using PaymentFunctions.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.UseCustomHandlerPort();
builder.Services.AddHosting(builder.Configuration);
builder.Services.AddProblemDetailsResponses();
builder.Services.AddStorage();
builder.Services.AddStripe();
builder.Services.AddMessaging(builder.Configuration);
builder.Services.AddSpaAuth(builder.Configuration, builder.Environment);
builder.Services.AddBookings();
builder.Services.AddBookingFunctions();
builder.Services.AddPayments();
builder.Services.AddWebhooks();

var app = builder.Build();
app.UseProblemDetailsResponses();
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealth();
app.MapBookings();
app.MapPayments();
app.MapWebhooks();
app.MapFunctionTriggers(app.Environment);
app.Run();

/// Visible to WebApplicationFactory in the tests.
public partial class Program;
