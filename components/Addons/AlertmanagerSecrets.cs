using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="AlertmanagerSecrets"/>.</summary>
public sealed class AlertmanagerSecretsArgs
{
    /// <summary>The monitoring namespace (Alertmanager's).</summary>
    public required string Namespace { get; init; }

    /// <summary>The receivers whose credentials to fetch.</summary>
    public required AlertReceivers Receivers { get; init; }

    /// <summary>The ClusterSecretStore of the cloud's secret service.</summary>
    public required string StoreName { get; init; }

    /// <summary>What the ExternalSecret waits for: the store (and its CRDs) and the namespace.</summary>
    public ImmutableArray<Resource> After { get; init; } = [];

    /// <summary>Labels of the objects the component creates.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The Secret of Alertmanager's receivers (Slack webhook, PagerDuty routing key, dead-man's-switch URL), filled by
/// external-secrets from the cloud's secret service: the values never pass through Pulumi's configuration or state.
/// </summary>
public sealed class AlertmanagerSecrets : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:AlertmanagerSecrets";

    /// <summary>Creates the ExternalSecret.</summary>
    public AlertmanagerSecrets(string name, AlertmanagerSecretsArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ExternalSecret = new K8s.ApiExtensions.CustomResource(name, new KubernetesObjectArgs(
            "external-secrets.io/v1", "ExternalSecret",
            AddonResources.Metadata(AlertReceivers.SecretName, args.Namespace, args.Labels),
            args.Receivers.ExternalSecretSpec(args.StoreName)), AddonResources.Child(this, options, [.. args.After]));
        RegisterOutputs(new Dictionary<string, object?> { ["secretName"] = AlertReceivers.SecretName });
    }

    /// <summary>The ExternalSecret.</summary>
    public K8s.ApiExtensions.CustomResource ExternalSecret { get; }
}
