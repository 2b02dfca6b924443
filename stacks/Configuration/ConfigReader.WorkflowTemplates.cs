using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of <c>mlplatform:workflowTemplates</c>.</summary>
public static partial class ConfigReader
{
    private static readonly string[] CheckpointSchemes = ["s3://", "gs://", "https://"];

    private static ImmutableArray<WorkflowTemplateConfig> ReadWorkflowTemplates(
        IReadOnlyList<JsonConfigNode> nodes, CloudKind? cloud, ImmutableArray<NamespaceConfig> namespaces, ImmutableArray<NodePoolConfig> pools,
        AddonsConfig addons)
    {
        var result = ImmutableArray.CreateBuilder<WorkflowTemplateConfig>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var name = node.String("name");
            var kind = node.String("kind") switch
            {
                null => (WorkflowTemplateKind?)null,
                var raw => Enum.GetValues<WorkflowTemplateKind>().Cast<WorkflowTemplateKind?>().FirstOrDefault(k => string.Equals(k.ToString(), raw, StringComparison.OrdinalIgnoreCase)),
            };
            if (kind is null)
            {
                node.Problem("kind", node.PeekString("kind") is { } given ? $"'{given}' is not one of reconstruction3d, gpuBenchmark" : "required: one of reconstruction3d, gpuBenchmark");
            }

            var ns = KnownNamespace(node, namespaces);
            if (ns is not null && namespaces.First(n => n.Name == ns) is { IsTeam: false })
            {
                node.Problem("namespace", $"'{ns}' is a platform namespace: workflow templates run in a team namespace of {Key("teams")}");
            }

            if (name is null)
            {
                node.Problem("name", "required");
            }
            else if (!KubernetesNames.IsDns1123Label(name) || name.Length > 50)
            {
                node.Problem("name", $"'{name}' is not a DNS-1123 label of at most 50 characters");
            }
            else if (ns is not null && !seen.Add($"{ns}/{name}"))
            {
                node.Problem("name", $"duplicate workflow template '{name}' in namespace '{ns}'");
            }

            var image = node.String("image");
            if (string.IsNullOrWhiteSpace(image) || image.Contains(':', StringComparison.Ordinal) && !image.Contains('/', StringComparison.Ordinal) || image.Any(char.IsWhiteSpace))
            {
                node.Problem("image", image is null ? "required: the image repository, e.g. ghcr.io/acme/reconstruction" : $"'{image}' is not an image repository (give the tag in 'tag')");
            }

            var tag = ImageTag(node, "tag");
            var gpus = node.Int("gpus") ?? 1;
            if (gpus is < 1 or > 16)
            {
                node.Problem("gpus", $"must be between 1 and 16, not {gpus}");
            }

            string? Pool(string key, bool gpu)
            {
                var pool = node.String(key);
                if (pool is null)
                {
                    return null;
                }

                var config = pools.FirstOrDefault(p => p.Name == pool);
                if (config is null)
                {
                    node.Problem(key, $"'{pool}' is not a node pool of {Key("nodePools")} ({string.Join(", ", pools.Select(p => p.Name))})");
                    return null;
                }

                if (config.IsGpu != gpu)
                {
                    node.Problem(key, gpu ? $"node pool '{pool}' has no GPUs" : $"node pool '{pool}' is a GPU pool: CPU steps would hold GPU nodes");
                }

                return pool;
            }

            var cpuPool = Pool("cpuPool", gpu: false);
            var gpuPool = Pool("gpuPool", gpu: true);
            var highPool = Pool("highQualityPool", gpu: true);
            var parallelism = node.Int("parallelism") ?? 8;
            var gpuPools = node.StringList("gpuPools") ?? [];
            var checkpointPath = node.String("checkpointPath");
            var retries = node.Int("retries") ?? 6;
            switch (kind)
            {
                case WorkflowTemplateKind.Reconstruction3d:
                    if (gpuPool is null && node.PeekString("gpuPool") is null)
                    {
                        node.Problem("gpuPool", "required: the GPU pool of the medium and high quality branches");
                    }

                    if (parallelism is < 1 or > 100)
                    {
                        node.Problem("parallelism", $"must be between 1 and 100, not {parallelism}");
                    }

                    foreach (var key in new[] { "gpuPools", "checkpointPath", "retries" }.Where(k => node.PropertyNames().Contains(k)))
                    {
                        node.Problem(key, "only for kind gpuBenchmark");
                    }

                    break;
                case WorkflowTemplateKind.GpuBenchmark:
                    if (gpuPools.IsEmpty)
                    {
                        node.Problem("gpuPools", "required: the GPU pools the benchmark jobs run on, one job each");
                    }

                    for (var i = 0; i < gpuPools.Length; i++)
                    {
                        var pool = pools.FirstOrDefault(p => p.Name == gpuPools[i]);
                        if (pool is null || !pool.IsGpu)
                        {
                            node.Problem($"gpuPools[{i}]", pool is null ? $"'{gpuPools[i]}' is not a node pool of {Key("nodePools")}" : $"node pool '{gpuPools[i]}' has no GPUs");
                        }
                        else if (gpuPools.IndexOf(gpuPools[i]) != i)
                        {
                            node.Problem($"gpuPools[{i}]", $"duplicate pool '{gpuPools[i]}'");
                        }
                        else if (gpuPools.Take(i).Select(n => pools.FirstOrDefault(p => p.Name == n)).FirstOrDefault(p => p is not null && SameLabels(p, pool)) is { } twin)
                        {
                            node.Problem($"gpuPools[{i}]", $"node pool '{pool.Name}' has the same labels as '{twin.Name}': give each pool a label of its own, or both jobs may land on either");
                        }
                    }

                    if (checkpointPath is not null && !CheckpointSchemes.Any(s => checkpointPath.StartsWith(s, StringComparison.Ordinal)))
                    {
                        node.Problem("checkpointPath", $"'{checkpointPath}' is not a bucket prefix (s3://, gs://, https://<account>.blob.core.windows.net/)");
                    }
                    else if (checkpointPath is null && (cloud is CloudKind.Existing || !addons.Mlflow))
                    {
                        node.Problem("checkpointPath", "required: the stack has no bucket of its own (it is created with the MLflow add-on on a cloud)");
                    }

                    if (retries is < 1 or > 20)
                    {
                        node.Problem("retries", $"must be between 1 and 20, not {retries}");
                    }

                    foreach (var key in new[] { "cpuPool", "gpuPool", "highQualityPool", "parallelism" }.Where(k => node.PropertyNames().Contains(k)))
                    {
                        node.Problem(key, "only for kind reconstruction3d");
                    }

                    break;
            }

            if (!addons.ArgoWorkflows)
            {
                node.Problem("kind", $"workflow templates need Argo Workflows: set {Key("addons")}.argoWorkflows: true");
            }

            node.RejectUnknownKeys();
            if (name is not null && kind is not null && ns is not null && image is not null && tag is not null)
            {
                result.Add(new WorkflowTemplateConfig
                {
                    Name = name,
                    Kind = kind.Value,
                    Namespace = ns,
                    Image = image,
                    Tag = tag,
                    CpuPool = cpuPool,
                    GpuPool = gpuPool,
                    HighQualityPool = highPool ?? gpuPool,
                    Gpus = gpus,
                    Parallelism = parallelism,
                    GpuPools = gpuPools,
                    CheckpointPath = checkpointPath,
                    Retries = retries,
                });
            }
        }

        return result.ToImmutable();
    }

    private static bool SameLabels(NodePoolConfig a, NodePoolConfig b) =>
        a.Labels.Count == b.Labels.Count && a.Labels.All(l => b.Labels.TryGetValue(l.Key, out var value) && value == l.Value);
}
