using System.Text.RegularExpressions;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of <c>mlplatform:alerting</c>: Alertmanager's receivers.</summary>
public static partial class ConfigReader
{
    private static AlertingConfig ReadAlerting(JsonConfigNode? node, CloudKind? cloud, AddonsConfig addons, List<ConfigProblem> problems)
    {
        if (node is null)
        {
            return AlertingConfig.None;
        }

        var slack = node.Object("slack");
        var pagerDuty = node.Object("pagerDuty");
        var watchdog = node.Object("watchdog");
        node.RejectUnknownKeys();

        string? Secret(JsonConfigNode? receiver)
        {
            if (receiver is null)
            {
                return null;
            }

            var name = receiver.String("secretName");
            if (name is null)
            {
                receiver.Problem("secretName", "required: the name of the secret in the cloud's secret service that holds the credential (never the credential itself)");
            }
            else if (!CloudSecretName().IsMatch(name))
            {
                receiver.Problem("secretName", $"'{name}' is not a secret name (letters, digits and - _ / . only), and a URL or key is never put in configuration");
            }

            return name;
        }

        var slackSecret = Secret(slack);
        var channel = slack?.String("channel");
        slack?.RejectUnknownKeys();
        var pagerDutySecret = Secret(pagerDuty);
        pagerDuty?.RejectUnknownKeys();
        var watchdogSecret = Secret(watchdog);
        watchdog?.RejectUnknownKeys();

        if (channel is not null && !SlackChannel().IsMatch(channel))
        {
            slack!.Problem("channel", $"'{channel}' is not a Slack channel such as #ml-alerts");
        }

        if (!addons.Monitoring)
        {
            problems.Add(new(node.Key, "set, but the monitoring add-on is disabled on this stack; remove it or enable addons.monitoring"));
        }

        if (cloud == CloudKind.Existing || !addons.ExternalSecrets)
        {
            problems.Add(new(node.Key, "the receivers' credentials come from the cloud's secret service through external-secrets: needs a cloud stack with addons.externalSecrets"));
        }

        return new AlertingConfig
        {
            SlackSecret = slackSecret,
            SlackChannel = channel,
            PagerDutySecret = pagerDutySecret,
            WatchdogSecret = watchdogSecret,
        };
    }

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_./-]{0,254}\z")]
    private static partial Regex CloudSecretName();

    [GeneratedRegex(@"\A#[a-z0-9][a-z0-9._-]{0,79}\z")]
    private static partial Regex SlackChannel();
}
