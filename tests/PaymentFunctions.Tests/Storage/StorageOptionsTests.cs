using System.ComponentModel.DataAnnotations;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Tests.Storage;

/// The connection string is parsed by the SDK at start-up; a bad one is named, and its key never echoed.
public sealed class StorageOptionsTests
{
    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;EndpointSuffix=core.windows.net")]
    public void ConnectionStringsTheSdkAcceptsAreValid(string connectionString) =>
        Assert.Empty(Validate(new StorageOptions { ConnectionString = connectionString }));

    [Theory]
    [InlineData("AccountName=prod;AccountKey=not-base64-TOPSECRET")]
    [InlineData("AccountName=prod;TOPSECRET")]
    [InlineData("TOPSECRET")]
    public void AnUnusableConnectionStringIsNamedWithoutEchoingIt(string connectionString)
    {
        var error = Assert.Single(Validate(new StorageOptions { ConnectionString = connectionString }));

        Assert.StartsWith("Storage:ConnectionString is not usable", error.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("TOPSECRET", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ExactlyOneOfConnectionStringAndEndpointIsRequired()
    {
        var both = new StorageOptions { ConnectionString = "UseDevelopmentStorage=true", TableEndpoint = new Uri("https://acct.table.core.windows.net") };

        Assert.Equal("Set exactly one of Storage:ConnectionString or Storage:TableEndpoint.", Assert.Single(Validate(both)).ErrorMessage);
        Assert.Single(Validate(new StorageOptions()));
    }

    private static List<ValidationResult> Validate(StorageOptions options) => [.. options.Validate(new ValidationContext(options))];
}
