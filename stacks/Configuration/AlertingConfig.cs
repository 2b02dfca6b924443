namespace MlPlatform.Stacks.Configuration;

/// <summary>
/// Alertmanager's receivers (<c>mlplatform:alerting</c>): the names of the cloud secrets that hold their credentials,
/// never the credentials themselves.
/// </summary>
public sealed record AlertingConfig
{
    /// <summary>No receivers: the chart's defaults (nothing is sent).</summary>
    public static AlertingConfig None { get; } = new();

    /// <summary>The cloud secret with the Slack incoming-webhook URL (warnings, and critical alerts without a pager).</summary>
    public string? SlackSecret { get; init; }

    /// <summary>The Slack channel; null for the webhook's own.</summary>
    public string? SlackChannel { get; init; }

    /// <summary>The cloud secret with the PagerDuty Events v2 routing key (critical alerts).</summary>
    public string? PagerDutySecret { get; init; }

    /// <summary>The cloud secret with the dead-man's-switch URL the Watchdog heartbeat goes to.</summary>
    public string? WatchdogSecret { get; init; }

    /// <summary>True when any receiver is configured.</summary>
    public bool Any => SlackSecret is not null || PagerDutySecret is not null || WatchdogSecret is not null;
}
