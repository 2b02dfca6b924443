using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>One container of a pod the platform creates directly.</summary>
/// <param name="Path">Where it is in the owner's inputs, e.g. <c>spec.template.spec.containers[0]</c>.</param>
/// <param name="Container">The container (or KServe model spec, which is one).</param>
public sealed record PodContainer(string Path, JsonObject Container)
{
    /// <summary>The image, when the container names one as a plain string.</summary>
    public string? Image => Container["image"] is JsonValue value && value.TryGetValue<string>(out var image) ? image : null;

    /// <summary>True when the container has an <c>image</c> that is not a plain string (an unknown value).</summary>
    public bool ImageUnknown => Container["image"] is not null && Image is null;
}

/// <summary>
/// A pod spec the platform creates directly: in a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
/// CronJob, Pod), a KServe InferenceService component, an Argo WorkflowTemplate template, or a KEDA ScaledJob.
/// Helm charts' pods are the charts' own and are not visible at plan time.
/// </summary>
/// <param name="Owner">The resource holding the pod spec.</param>
/// <param name="Path">Where the pod spec is in the owner's inputs.</param>
/// <param name="Spec">
/// The pod-level fields (<c>securityContext</c>, <c>serviceAccountName</c>, <c>automountServiceAccountToken</c>,
/// <c>hostNetwork</c>, <c>volumes</c>); for a workflow template, the workflow's merged with the template's own.
/// </param>
/// <param name="Containers">Its containers, init containers and sidecars.</param>
public sealed record PodTemplate(PlanItem Owner, string Path, JsonObject Spec, ImmutableArray<PodContainer> Containers)
{
    private static readonly string[] WorkloadKinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"];
    private static readonly string[] WorkflowKinds = ["WorkflowTemplate", "ClusterWorkflowTemplate", "Workflow"];
    private static readonly string[] PodFields = ["securityContext", "serviceAccountName", "automountServiceAccountToken", "hostNetwork", "hostPID", "hostIPC"];

    /// <summary>The namespace the pods run in.</summary>
    public string? Namespace => Owner.Namespace;

    /// <summary>The service account the pods run as (<c>default</c> when unset).</summary>
    public string ServiceAccount => Spec["serviceAccountName"]?.ToString() ?? Spec["serviceAccount"]?.ToString() ?? "default";

    /// <summary>Every pod spec of the plan.</summary>
    public static IEnumerable<PodTemplate> In(IReadOnlyList<PlanItem> plan) => plan.SelectMany(Of);

    /// <summary>The pod specs of one resource (none for resources that hold none).</summary>
    public static IEnumerable<PodTemplate> Of(PlanItem item)
    {
        if (!item.Type.StartsWith("kubernetes:", StringComparison.Ordinal) || item.Inputs["spec"] is not JsonObject spec)
        {
            yield break;
        }

        var kind = item.Type[(item.Type.LastIndexOf(':') + 1)..];
        if (WorkloadKinds.Contains(kind) && spec["template"]?["spec"] is JsonObject podSpec)
        {
            yield return FromPodSpec(item, "spec.template.spec", podSpec);
        }
        else if (kind == "CronJob" && spec["jobTemplate"]?["spec"]?["template"]?["spec"] is JsonObject cronSpec)
        {
            yield return FromPodSpec(item, "spec.jobTemplate.spec.template.spec", cronSpec);
        }
        else if (kind == "ScaledJob" && spec["jobTargetRef"]?["template"]?["spec"] is JsonObject jobSpec)
        {
            yield return FromPodSpec(item, "spec.jobTargetRef.template.spec", jobSpec);
        }
        else if (kind == "Pod")
        {
            yield return FromPodSpec(item, "spec", spec);
        }
        else if (kind == "InferenceService")
        {
            foreach (var component in new[] { "predictor", "transformer", "explainer" })
            {
                if (spec[component] is JsonObject componentSpec)
                {
                    var template = FromPodSpec(item, $"spec.{component}", componentSpec);
                    yield return componentSpec["model"] is JsonObject model
                        ? template with { Containers = template.Containers.Add(new($"spec.{component}.model", model)) }
                        : template;
                }
            }
        }
        else if (WorkflowKinds.Contains(kind))
        {
            foreach (var template in WorkflowTemplates(item, "spec", spec))
            {
                yield return template;
            }
        }
        else if (kind == "CronWorkflow" && spec["workflowSpec"] is JsonObject workflowSpec)
        {
            foreach (var template in WorkflowTemplates(item, "spec.workflowSpec", workflowSpec))
            {
                yield return template;
            }
        }
    }

    private static PodTemplate FromPodSpec(PlanItem owner, string path, JsonObject spec) =>
        new(owner, path, spec, [.. ContainersOf(spec, path, "containers"), .. ContainersOf(spec, path, "initContainers")]);

    private static IEnumerable<PodContainer> ContainersOf(JsonObject spec, string path, string field) =>
        (spec[field] as JsonArray ?? []).Select((c, i) => (c, i)).Where(e => e.c is JsonObject)
            .Select(e => new PodContainer($"{path}.{field}[{e.i}]", (JsonObject)e.c!));

    /// <summary>One pod per template that runs a container, its pod-level fields the workflow's overridden by the template's.</summary>
    private static IEnumerable<PodTemplate> WorkflowTemplates(PlanItem owner, string path, JsonObject spec)
    {
        foreach (var (node, i) in (spec["templates"] as JsonArray ?? []).Select((t, i) => (t, i)))
        {
            if (node is not JsonObject template)
            {
                continue;
            }

            var at = $"{path}.templates[{i}]";
            var containers = new List<PodContainer>();
            foreach (var field in new[] { "container", "script" })
            {
                if (template[field] is JsonObject container)
                {
                    containers.Add(new($"{at}.{field}", container));
                }
            }

            containers.AddRange(ContainersOf(template["containerSet"] as JsonObject ?? [], $"{at}.containerSet", "containers"));
            containers.AddRange(ContainersOf(template, at, "initContainers"));
            containers.AddRange(ContainersOf(template, at, "sidecars"));
            if (containers.Count == 0)
            {
                continue;
            }

            var pod = new JsonObject();
            foreach (var field in PodFields)
            {
                if ((template[field] ?? spec[field]) is { } value)
                {
                    pod[field] = value.DeepClone();
                }
            }

            pod["volumes"] = new JsonArray([.. (spec["volumes"] as JsonArray ?? []).Concat(template["volumes"] as JsonArray ?? []).Select(v => v?.DeepClone())]);
            yield return new PodTemplate(owner, at, pod, [.. containers]);
        }
    }
}
