using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>The cloud secret service a ClusterSecretStore reads, with its provider settings resolved.</summary>
/// <param name="Kind"><c>aws-secrets-manager</c>, <c>azure-key-vault</c> or <c>gcp-secret-manager</c>.</param>
/// <param name="Settings">
/// Provider settings: <c>region</c> (AWS); <c>vaultUrl</c> and optionally <c>tenantId</c> (Azure);
/// <c>projectID</c> and optionally <c>location</c>, <c>clusterLocation</c>, <c>clusterName</c>, <c>clusterProjectID</c> (GCP).
/// </param>
public sealed record SecretStoreProvider(string Kind, ImmutableDictionary<string, string> Settings);

/// <summary>Inputs of <see cref="ExternalSecrets"/>.</summary>
public sealed class ExternalSecretsArgs
{
    /// <summary>The external-secrets namespace (from the tenancy layer).</summary>
    public required string Namespace { get; init; }

    /// <summary>Two controller, webhook and cert-controller replicas with disruption budgets.</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of the add-on's pods (the platform's <c>system-critical</c> tier); null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>Annotations binding the controller's service account to a cloud identity (IRSA, workload identity).</summary>
    public InputMap<string> ServiceAccountAnnotations { get; init; } = [];

    /// <summary>Labels of the controller's pods that the cloud identity needs (e.g. <c>azure.workload.identity/use</c>).</summary>
    public ImmutableDictionary<string, string> PodLabels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The cloud secret service; null creates no ClusterSecretStore.</summary>
    public string? StoreKind { get; init; }

    /// <summary>The provider settings of <see cref="StoreKind"/>, as the cloud stack hands them over.</summary>
    public ImmutableDictionary<string, Input<string>> StoreSettings { get; init; } = ImmutableDictionary<string, Input<string>>.Empty;

    /// <summary>Labels of the objects the component creates.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// external-secrets with its CRDs, webhook and certificate controller, the controller's service account bound to
/// the cloud identity, and a ClusterSecretStore for the cloud's secret service that authenticates as that service
/// account (no static keys).
/// </summary>
public sealed class ExternalSecrets : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:ExternalSecrets";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "external-secrets";

    /// <summary>The controller's service account, which the cloud identity trusts.</summary>
    public const string ServiceAccountName = "external-secrets";

    /// <summary>The ClusterSecretStore's name.</summary>
    public const string StoreName = "cloud-secrets";

    /// <summary>The supported secret services.</summary>
    public static ImmutableArray<string> StoreKinds { get; } = ["aws-secrets-manager", "azure-key-vault", "gcp-secret-manager"];

    /// <summary>Creates the release and the store.</summary>
    public ExternalSecrets(string name, ExternalSecretsArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        if (args.StoreKind is { } kind && !StoreKinds.Contains(kind))
        {
            throw new ArgumentException($"Unsupported secret store kind '{kind}'; supported: {string.Join(", ", StoreKinds)}.", nameof(args));
        }

        var values = args.ServiceAccountAnnotations.ToOutput().Apply(annotations => Values(args, annotations));
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.ExternalSecrets, args.Namespace, values, AddonResources.Child(this, options));

        if (args.StoreKind is { } storeKind)
        {
            var settings = Output.All(args.StoreSettings.Select(s => s.Value.Apply(v => KeyValuePair.Create(s.Key, v))))
                .Apply(pairs => pairs.ToImmutableDictionary());
            var spec = settings.Apply(s => StoreSpec(new SecretStoreProvider(storeKind, s), args.Namespace).ToImmutableDictionary());
            Store = new K8s.ApiExtensions.CustomResource($"{name}-store", new KubernetesObjectArgs(
                "external-secrets.io/v1", "ClusterSecretStore", AddonResources.Metadata(StoreName, null, args.Labels), spec),
                AddonResources.Child(this, options, Release));
        }

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["releaseName"] = Release.Name,
            ["storeName"] = Store is null ? null : StoreName,
        });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The ClusterSecretStore, when the cloud has a secret service.</summary>
    public K8s.ApiExtensions.CustomResource? Store { get; }

    /// <summary>The chart values, with the service account's resolved annotations.</summary>
    public static ImmutableDictionary<string, object> Values(ExternalSecretsArgs args, ImmutableDictionary<string, string> annotations)
    {
        var replicas = args.HighAvailability ? 2 : 1;

        // `hasKey maxUnavailable` wins over the chart's default minAvailable: 1; one pod at a time may go.
        Dictionary<string, object> Pdb() => args.HighAvailability
            ? new() { ["enabled"] = true, ["maxUnavailable"] = 1 }
            : new() { ["enabled"] = false };

        var values = new Dictionary<string, object>
        {
            ["installCRDs"] = true,
            ["replicaCount"] = replicas,

            // Several replicas need a leader, or they would all reconcile.
            ["leaderElect"] = args.HighAvailability,
            ["podDisruptionBudget"] = Pdb(),
            ["serviceAccount"] = new Dictionary<string, object>
            {
                ["create"] = true,
                ["name"] = ServiceAccountName,
                ["annotations"] = annotations.ToDictionary(a => a.Key, a => (object)a.Value),
            },
            ["webhook"] = new Dictionary<string, object> { ["create"] = true, ["replicaCount"] = replicas, ["podDisruptionBudget"] = Pdb() },
            ["certController"] = new Dictionary<string, object> { ["create"] = true, ["replicaCount"] = replicas, ["podDisruptionBudget"] = Pdb() },
        };
        if (!args.PodLabels.IsEmpty)
        {
            // The controller's pods only: they are the ones that read the cloud secret service.
            values["podLabels"] = args.PodLabels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => (object)l.Value);
        }

        if (args.HighAvailability)
        {
            // Every component takes the global constraints, with its own selector filled in by the chart.
            values["global"] = new Dictionary<string, object> { ["topologySpreadConstraints"] = TopologySpread.Constraints() };
        }

        if (args.PriorityClassName is not null)
        {
            values["priorityClassName"] = args.PriorityClassName;
            ((Dictionary<string, object>)values["webhook"])["priorityClassName"] = args.PriorityClassName;
            ((Dictionary<string, object>)values["certController"])["priorityClassName"] = args.PriorityClassName;
        }

        return values.ToImmutableDictionary();
    }

    /// <summary>The ClusterSecretStore spec of a secret service, authenticating as the controller's service account.</summary>
    public static Dictionary<string, object> StoreSpec(SecretStoreProvider provider, string @namespace)
    {
        var serviceAccountRef = new Dictionary<string, object> { ["name"] = ServiceAccountName, ["namespace"] = @namespace };
        string Setting(string key) => provider.Settings.TryGetValue(key, out var value)
            ? value
            : throw new ArgumentException($"The {provider.Kind} secret store needs the setting '{key}'.", nameof(provider));

        Dictionary<string, object> block;
        string providerKey;
        switch (provider.Kind)
        {
            case "aws-secrets-manager":
                providerKey = "aws";
                block = new()
                {
                    ["service"] = "SecretsManager",
                    ["region"] = Setting("region"),
                    ["auth"] = new Dictionary<string, object> { ["jwt"] = new Dictionary<string, object> { ["serviceAccountRef"] = serviceAccountRef } },
                };
                break;
            case "azure-key-vault":
                providerKey = "azurekv";
                block = new()
                {
                    ["authType"] = "WorkloadIdentity",
                    ["vaultUrl"] = Setting("vaultUrl"),
                    ["serviceAccountRef"] = serviceAccountRef,
                };
                if (provider.Settings.TryGetValue("tenantId", out var tenant))
                {
                    block["tenantId"] = tenant;
                }

                break;
            case "gcp-secret-manager":
                providerKey = "gcpsm";
                var workloadIdentity = new Dictionary<string, object> { ["serviceAccountRef"] = serviceAccountRef };
                foreach (var key in new[] { "clusterLocation", "clusterName", "clusterProjectID" })
                {
                    if (provider.Settings.TryGetValue(key, out var value))
                    {
                        workloadIdentity[key] = value;
                    }
                }

                block = new()
                {
                    ["projectID"] = Setting("projectID"),
                    ["auth"] = new Dictionary<string, object> { ["workloadIdentity"] = workloadIdentity },
                };
                if (provider.Settings.TryGetValue("location", out var location))
                {
                    block["location"] = location;
                }

                break;
            default:
                throw new ArgumentException($"Unsupported secret store kind '{provider.Kind}'.", nameof(provider));
        }

        return new() { ["provider"] = new Dictionary<string, object> { [providerKey] = block } };
    }
}
