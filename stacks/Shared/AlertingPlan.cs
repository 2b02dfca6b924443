using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;

namespace MlPlatform.Stacks.Shared;

/// <summary>Alertmanager's receivers from <c>mlplatform:alerting</c>, and the ExternalSecret that brings their credentials.</summary>
public static class AlertingPlan
{
    /// <summary>The receivers of a stack; null when none is configured (the chart's defaults).</summary>
    public static AlertReceivers? Receivers(PlatformConfig config) => config.Alerting.Any
        ? new AlertReceivers
        {
            SlackSecret = config.Alerting.SlackSecret,
            SlackChannel = config.Alerting.SlackChannel,
            PagerDutySecret = config.Alerting.PagerDutySecret,
            WatchdogSecret = config.Alerting.WatchdogSecret,
        }
        : null;

    /// <summary>
    /// The ExternalSecret of the receivers, in the monitoring namespace once the secret store exists; nothing when no
    /// receiver is configured (validation ensures the store and monitoring add-ons are on when one is).
    /// </summary>
    public static AlertmanagerSecrets? DeploySecrets(
        PlatformConfig config, KubePrometheusStack? monitoring, ExternalSecrets? externalSecrets, Tenancy tenancy,
        ImmutableDictionary<string, string> labels, ComponentResourceOptions options)
    {
        if (Receivers(config) is not { } receivers || monitoring is null || externalSecrets?.Store is not { } store)
        {
            return null;
        }

        return new AlertmanagerSecrets("alertmanager-receivers", new AlertmanagerSecretsArgs
        {
            Namespace = PlatformNamespaces.Monitoring,
            Receivers = receivers,
            StoreName = ExternalSecrets.StoreName,
            After = [store, tenancy.Namespaces[PlatformNamespaces.Monitoring]],
            Labels = labels,
        }, options);
    }
}
