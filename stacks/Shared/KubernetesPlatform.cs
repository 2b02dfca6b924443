using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Stacks.Shared;

/// <summary>
/// Everything from the Kubernetes provider inward, identical on every cloud: the tenancy layer, then the ML
/// workloads layer (<see cref="MlWorkloadsLayer"/>), fed with the cloud's <see cref="CloudIntegration"/>.
/// </summary>
public static class KubernetesPlatform
{
    /// <summary>Deploys the shared layers into the cluster behind <paramref name="provider"/>.</summary>
    /// <returns>The stack outputs of the shared layers.</returns>
    public static Dictionary<string, object?> Deploy(PlatformConfig config, K8s.Provider provider, CloudIntegration cloud)
    {
        var options = new ComponentResourceOptions { Provider = provider };
        options.DependsOn.AddRange(cloud.ClusterReady.Select(r => (Input<Resource>)r).ToList());

        var tenancy = new Tenancy("tenancy", TenancyPlan.Build(config, cloud), options);
        var storageClasses = StoragePlan.Classes(config, cloud);
        if (!storageClasses.IsEmpty)
        {
            _ = new StorageClasses("storage-classes", new StorageClassesArgs { Classes = storageClasses, Labels = TenancyPlan.CommonLabels(config) }, options);
        }

        foreach (var addon in cloud.ClusterAddons)
        {
            addon(tenancy);
        }

        var services = PlatformServicesLayer.Deploy(config, tenancy, cloud, options);

        var workloads = MlWorkloadsLayer.Deploy(config, tenancy, services, cloud, options);
        var dataServices = DataServicesLayer.Deploy(config, tenancy, services, cloud, options);
        var applications = WorkloadsLayer.Deploy(config, tenancy, services, cloud, options);
        var workflowTemplates = WorkflowTemplatesLayer.Deploy(config, tenancy, workloads.ArgoWorkflows, cloud, options);

        var outputs = new Dictionary<string, object?>
        {
            ["cloud"] = ConfigReader.Lower(config.Cloud),
            ["environment"] = ConfigReader.Lower(config.Environment),
            ["namespaces"] = tenancy.Namespaces.Keys.Order(StringComparer.Ordinal).ToList(),
            ["priorityClasses"] = tenancy.PriorityClasses.Names.ToList(),
            ["gateway"] = services.Gateway is { } gateway ? $"{gateway.Namespace}/{gateway.Name}" : null,
            ["secretStore"] = services.SecretStore?.Name,
            ["grafanaAdminSecret"] = services.Monitoring is null ? null : $"{PlatformNamespaces.Monitoring}/{KubePrometheusStack.GrafanaAdminSecret}",
        };
        outputs["workloads"] = applications.Keys.Order(StringComparer.Ordinal).ToList();
        outputs["dataServices"] = dataServices.Keys.Order(StringComparer.Ordinal).ToList();
        outputs["workflowTemplates"] = config.WorkflowTemplates.Where(t => workflowTemplates.ContainsKey(t.Namespace)).Select(t => $"{t.Namespace}/{t.Name}").Order(StringComparer.Ordinal).ToList();
        foreach (var (key, value) in workloads.Outputs())
        {
            outputs[key] = value;
        }

        return outputs;
    }
}
