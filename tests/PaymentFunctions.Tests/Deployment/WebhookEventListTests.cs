using System.Text.RegularExpressions;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Tests.Deployment;

/// The Stripe webhook endpoint must send every event the app handles: an event left off (a refund.failed, say) is
/// one the app never hears of. docs/stripe.md's list is what an operator enables, so it must be the mapper's list.
public sealed partial class WebhookEventListTests
{
    [Fact]
    public void TheEndpointsEventListInTheDeployStepsIsExactlyTheEventsTheAppHandles()
    {
        var page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "stripe.md"));
        var block = Block().Match(page);
        Assert.True(block.Success, "docs/stripe.md should list the Stripe events between <!-- stripe-enabled-events --> markers.");

        var listed = Code().Matches(block.Groups["list"].Value).Select(m => m.Groups["type"].Value).ToList();

        Assert.Equal(listed.Distinct().Count(), listed.Count);
        Assert.Equal(StripeEventMapper.PublishedTypes.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [GeneratedRegex("<!-- stripe-enabled-events -->(?<list>.*?)<!-- /stripe-enabled-events -->", RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex("`(?<type>[a-z_.]+)`")]
    private static partial Regex Code();
}
