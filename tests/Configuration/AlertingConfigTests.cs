using Xunit;

namespace MlPlatform.Tests.Configuration;

public class AlertingConfigTests
{
    [Fact]
    public void Receivers_need_a_cloud_secret_service()
    {
        var problems = ConfigFixture.Valid().Set("alerting", new { slack = new { secretName = "alerting/slack" } }).Problems();

        Assert.Contains(problems, p => p.Key == "mlplatform:alerting" && p.Message.Contains("external-secrets", StringComparison.Ordinal));
    }

    [Fact]
    public void A_url_in_place_of_a_secret_name_a_missing_name_and_unknown_keys_are_reported()
    {
        var problems = ConfigFixture.Valid().Set("alerting", new
        {
            slack = new { secretName = "https://hooks.slack.com/services/T000/B000/XXXX", channel = "general" },
            pagerDuty = new { routingKey = "abc" },
        }).Problems();

        Assert.Contains(problems, p => p.Key == "mlplatform:alerting.slack.secretName");
        Assert.Contains(problems, p => p.Key == "mlplatform:alerting.slack.channel");
        Assert.Contains(problems, p => p.Key == "mlplatform:alerting.pagerDuty.secretName");
        Assert.Contains(problems, p => p.Key == "mlplatform:alerting.pagerDuty.routingKey");
    }
}
