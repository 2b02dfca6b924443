using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>
/// Who Alertmanager notifies, by severity: critical to the pager (PagerDuty, else chat), warning to chat (Slack),
/// info to nobody, and the always-firing <c>Watchdog</c> to a dead-man's-switch service that pages when it stops
/// arriving. The URLs and keys are never in the configuration: Alertmanager reads them from files of a Secret that
/// external-secrets fills from the cloud's secret service.
/// </summary>
public sealed record AlertReceivers
{
    /// <summary>The Secret (in the monitoring namespace) holding the receivers' credentials, mounted by the operator.</summary>
    public const string SecretName = "alertmanager-receivers";

    /// <summary>The Secret key of the Slack incoming-webhook URL.</summary>
    public const string SlackKey = "slack-webhook-url";

    /// <summary>The Secret key of the PagerDuty Events v2 routing key.</summary>
    public const string PagerDutyKey = "pagerduty-routing-key";

    /// <summary>The Secret key of the dead-man's-switch URL.</summary>
    public const string WatchdogKey = "watchdog-url";

    /// <summary>Where the operator mounts the Secrets of <c>alertmanagerSpec.secrets</c>.</summary>
    public const string MountPath = "/etc/alertmanager/secrets/" + SecretName;

    /// <summary>The receiver that drops what it gets.</summary>
    public const string NullReceiver = "null";

    /// <summary>The cloud secret holding the Slack webhook URL; null without Slack.</summary>
    public string? SlackSecret { get; init; }

    /// <summary>The Slack channel the webhook posts to.</summary>
    public string? SlackChannel { get; init; }

    /// <summary>The cloud secret holding the PagerDuty routing key; null without PagerDuty.</summary>
    public string? PagerDutySecret { get; init; }

    /// <summary>The cloud secret holding the dead-man's-switch URL; null drops the Watchdog.</summary>
    public string? WatchdogSecret { get; init; }

    /// <summary>The receiver of critical alerts: the pager, else chat, else nobody.</summary>
    public string CriticalReceiver => PagerDutySecret is not null ? "pager" : SlackSecret is not null ? "chat" : NullReceiver;

    /// <summary>The receiver of warnings: chat, else nobody.</summary>
    public string WarningReceiver => SlackSecret is not null ? "chat" : NullReceiver;

    /// <summary>The Secret's keys and the cloud secrets they come from.</summary>
    public ImmutableDictionary<string, string> SecretKeys
    {
        get
        {
            var keys = ImmutableDictionary.CreateBuilder<string, string>();
            if (SlackSecret is not null)
            {
                keys[SlackKey] = SlackSecret;
            }

            if (PagerDutySecret is not null)
            {
                keys[PagerDutyKey] = PagerDutySecret;
            }

            if (WatchdogSecret is not null)
            {
                keys[WatchdogKey] = WatchdogSecret;
            }

            return keys.ToImmutable();
        }
    }

    /// <summary>The chart's <c>alertmanager.config</c>: receivers, routes by severity, the Watchdog route and inhibitions.</summary>
    public Dictionary<string, object> Config()
    {
        var receivers = new List<object> { new Dictionary<string, object> { ["name"] = NullReceiver } };
        if (PagerDutySecret is not null)
        {
            receivers.Add(new Dictionary<string, object>
            {
                ["name"] = "pager",
                ["pagerduty_configs"] = new object[]
                {
                    new Dictionary<string, object> { ["routing_key_file"] = $"{MountPath}/{PagerDutyKey}", ["send_resolved"] = true },
                },
            });
        }

        if (SlackSecret is not null)
        {
            var slack = new Dictionary<string, object>
            {
                ["api_url_file"] = $"{MountPath}/{SlackKey}",
                ["send_resolved"] = true,
                ["title"] = "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}",
                ["text"] = "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
            };
            if (SlackChannel is not null)
            {
                slack["channel"] = SlackChannel;
            }

            receivers.Add(new Dictionary<string, object> { ["name"] = "chat", ["slack_configs"] = new object[] { slack } });
        }

        if (WatchdogSecret is not null)
        {
            receivers.Add(new Dictionary<string, object>
            {
                ["name"] = "watchdog",
                ["webhook_configs"] = new object[] { new Dictionary<string, object> { ["url_file"] = $"{MountPath}/{WatchdogKey}", ["send_resolved"] = false } },
            });
        }

        var routes = new List<object>
        {
            // First: the Watchdog fires always; its heartbeat goes to the dead-man's switch every minute, and nowhere else.
            new Dictionary<string, object>
            {
                ["receiver"] = WatchdogSecret is not null ? "watchdog" : NullReceiver,
                ["matchers"] = new object[] { "alertname = \"Watchdog\"" },
                ["group_wait"] = "0s",
                ["group_interval"] = "1m",
                ["repeat_interval"] = "1m",
            },
            new Dictionary<string, object> { ["receiver"] = NullReceiver, ["matchers"] = new object[] { "alertname = \"InfoInhibitor\"" } },
            new Dictionary<string, object> { ["receiver"] = CriticalReceiver, ["matchers"] = new object[] { "severity = \"critical\"" }, ["repeat_interval"] = "1h" },
            new Dictionary<string, object> { ["receiver"] = WarningReceiver, ["matchers"] = new object[] { "severity = \"warning\"" } },
            new Dictionary<string, object> { ["receiver"] = NullReceiver, ["matchers"] = new object[] { "severity = \"info\"" } },
        };

        return new Dictionary<string, object>
        {
            ["global"] = new Dictionary<string, object> { ["resolve_timeout"] = "5m" },
            ["route"] = new Dictionary<string, object>
            {
                ["receiver"] = NullReceiver,
                ["group_by"] = new object[] { "namespace", "alertname" },
                ["group_wait"] = "30s",
                ["group_interval"] = "5m",
                ["repeat_interval"] = "12h",
                ["routes"] = routes.ToArray(),
            },
            ["receivers"] = receivers.ToArray(),
            ["inhibit_rules"] = new object[]
            {
                Inhibit("severity = \"critical\"", "severity =~ \"warning|info\""),
                Inhibit("severity = \"warning\"", "severity = \"info\""),
                // kube-prometheus's InfoInhibitor fires while info alerts have nothing worse beside them.
                new Dictionary<string, object>
                {
                    ["source_matchers"] = new object[] { "alertname = \"InfoInhibitor\"" },
                    ["target_matchers"] = new object[] { "severity = \"info\"" },
                    ["equal"] = new object[] { "namespace" },
                },
            },
        };
    }

    /// <summary>The ExternalSecret spec that fills <see cref="SecretName"/> from the cloud's secret service.</summary>
    public Dictionary<string, object> ExternalSecretSpec(string storeName) => new()
    {
        ["refreshInterval"] = "1h",
        ["secretStoreRef"] = new Dictionary<string, object> { ["kind"] = "ClusterSecretStore", ["name"] = storeName },
        ["target"] = new Dictionary<string, object> { ["name"] = SecretName, ["creationPolicy"] = "Owner" },
        ["data"] = SecretKeys.OrderBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => (object)new Dictionary<string, object>
            {
                ["secretKey"] = k.Key,
                ["remoteRef"] = new Dictionary<string, object> { ["key"] = k.Value },
            }).ToArray(),
    };

    private static Dictionary<string, object> Inhibit(string source, string target) => new()
    {
        ["source_matchers"] = new object[] { source },
        ["target_matchers"] = new object[] { target },
        ["equal"] = new object[] { "namespace", "alertname" },
    };
}
