using System.Collections.Immutable;
using System.Text.RegularExpressions;
using MlPlatform.Components.Addons;
using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of <c>mlplatform:models</c>: the models the platform serves.</summary>
public static partial class ConfigReader
{
    /// <summary>
    /// The longest model name: KServe names a canary's Deployment <c>NAME-canary-predictor</c>, which must stay a
    /// DNS-1123 label.
    /// </summary>
    public const int MaxModelNameLength = 63 - 17;

    /// <summary>The name the sample model takes in the list of served models.</summary>
    public const string SampleModelEntryName = "sample-llm";

    private static ImmutableArray<ModelConfig> ReadModels(
        IReadOnlyList<JsonConfigNode> nodes, AddonsConfig addons, ImmutableArray<NodePoolConfig> nodePools,
        ImmutableArray<NamespaceConfig> namespaces, KserveConfig kserve, List<ConfigProblem> problems)
    {
        var models = ImmutableArray.CreateBuilder<ModelConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (kserve.SampleModel is { } sample)
        {
            names.Add(SampleModelEntryName);
            models.Add(SampleModelEntry(sample));
        }

        if (nodes.Count > 0 && !addons.Kserve)
        {
            problems.Add(new(Key("models"), $"models are served by KServe; enable {Key("addons")}.kserve or remove {Key("models")}"));
        }

        foreach (var node in nodes)
        {
            var model = ReadModel(node, addons, nodePools, namespaces);
            if (model is null)
            {
                continue;
            }

            if (!names.Add(model.Name))
            {
                node.Problem("name", model.Name == SampleModelEntryName && kserve.SampleModel is not null
                    ? $"'{model.Name}' is the sample model's name ({Key("kserve")}.sampleModel); choose another"
                    : $"'{model.Name}' is given more than once; model names are unique");
                continue;
            }

            models.Add(model);
        }

        return models.ToImmutable();
    }

    /// <summary>
    /// The sample model as an entry of the list: vLLM serving its Hugging Face model in <c>serving</c>, owned by the
    /// platform, in the staging stage (it is a smoke test, never a production model).
    /// </summary>
    public static ModelConfig SampleModelEntry(SampleModelConfig sample) => new()
    {
        Name = SampleModelEntryName,
        Namespace = PlatformNamespaces.Serving,
        Source = new ModelSource(ModelSourceKind.HuggingFace, VllmInferenceService.ModelUri(sample.Model)),
        Runtime = ModelRuntime.Vllm,
        Gpus = sample.Gpus,
        NodePool = sample.NodePool,
        Scaling = new ModelScaling(sample.Replicas, sample.Autoscaled ? sample.MaxReplicas : sample.Replicas),
        Autoscaling = sample.Scaling,
        Canary = sample.CanaryModel is { } canary
            ? new ModelCanary(new ModelSource(ModelSourceKind.HuggingFace, VllmInferenceService.ModelUri(canary)), sample.CanaryTrafficPercent)
            : null,
        Governance = new ModelGovernance
        {
            ModelName = SampleModelEntryName,
            Version = "1.0.0",
            Owner = "platform",
            Stage = ModelStage.Staging,
        },
    };

    private static ModelConfig? ReadModel(
        JsonConfigNode node, AddonsConfig addons, ImmutableArray<NodePoolConfig> nodePools, ImmutableArray<NamespaceConfig> namespaces)
    {
        var name = node.String("name");
        var ns = node.String("namespace") ?? PlatformNamespaces.Serving;
        var sourceUri = node.String("source");
        var runtimeName = node.String("runtime");
        var gpusValue = node.Int("gpus");
        var poolName = node.String("nodePool");
        var resources = node.Object("resources");
        var scalingNode = node.Object("scaling");
        var canaryNode = node.Object("canary");
        var governanceNode = node.Object("governance");
        node.RejectUnknownKeys();
        var valid = true;
        void Problem(JsonConfigNode at, string key, string message)
        {
            at.Problem(key, message);
            valid = false;
        }

        if (name is null)
        {
            Problem(node, "name", "required: the InferenceService name (a DNS-1123 label)");
        }
        else if (!KubernetesNames.IsDns1123Label(name) || name.Length > MaxModelNameLength)
        {
            Problem(node, "name", $"'{name}' is not a DNS-1123 label of at most {MaxModelNameLength} characters (KServe appends -canary-predictor)");
        }

        var target = namespaces.FirstOrDefault(n => n.Name == ns);
        if (target is null || target.Role is not (NamespaceRole.Serving or NamespaceRole.GpuWorkloads))
        {
            var allowed = namespaces.Where(n => n.Role is NamespaceRole.Serving or NamespaceRole.GpuWorkloads).Select(n => n.Name);
            Problem(node, "namespace", $"'{ns}' is not the serving namespace or a team namespace ({string.Join(", ", allowed)})");
        }

        var source = sourceUri is null ? null : ModelSource.Parse(sourceUri);
        if (sourceUri is null)
        {
            Problem(node, "source", "required: models:/NAME@ALIAS, models:/NAME/VERSION, s3://, gs://, wasbs:// or hf://owner/name");
        }
        else if (source is null)
        {
            Problem(node, "source", ModelSource.Problem(sourceUri)!);
        }
        else if (source.Kind == ModelSourceKind.MlflowRegistry && !addons.Mlflow)
        {
            Problem(node, "source", $"a models:/ source is resolved by the platform's MLflow; enable {Key("addons")}.mlflow");
        }

        ModelRuntime? runtime = null;
        if (runtimeName is null)
        {
            Problem(node, "runtime", $"required: one of {string.Join(", ", ModelRuntimes.Names)}");
        }
        else if (Enum.GetValues<ModelRuntime>().FirstOrDefault(r => ModelRuntimes.Name(r) == runtimeName) is var r && ModelRuntimes.Name(r) == runtimeName)
        {
            runtime = r;
        }
        else
        {
            Problem(node, "runtime", $"'{runtimeName}' is not a runtime ({string.Join(", ", ModelRuntimes.Names)})");
        }

        var gpus = gpusValue ?? (runtime == ModelRuntime.Vllm ? 1 : 0);
        if (gpus < 0)
        {
            Problem(node, "gpus", $"must not be negative, not {gpus}");
        }
        else if (gpus == 0 && runtime == ModelRuntime.Vllm)
        {
            Problem(node, "gpus", "vLLM serves on GPUs: at least 1");
        }

        NodePoolConfig? pool = null;
        if (gpus > 0)
        {
            pool = poolName is null ? nodePools.FirstOrDefault(p => p.IsGpu) : nodePools.FirstOrDefault(p => p.Name == poolName);
            if (pool is null)
            {
                Problem(node, "nodePool", poolName is null
                    ? $"no gpu pool in {Key("nodePools")} for a GPU model"
                    : $"'{poolName}' is not a pool of {Key("nodePools")} ({string.Join(", ", nodePools.Select(p => p.Name))})");
            }
            else if (!pool.IsGpu)
            {
                Problem(node, "nodePool", $"'{pool.Name}' is a {Lower(pool.Role)} pool; a GPU model needs a gpu pool");
                pool = null;
            }
            else if (gpus > pool.GpusPerNode)
            {
                Problem(node, "gpus", $"{gpus} GPUs do not fit on one node of pool '{pool.Name}' ({pool.GpusPerNode} per node)");
            }
        }
        else if (poolName is not null)
        {
            Problem(node, "nodePool", "only GPU models (gpus of 1 or more) are placed on a node pool; CPU models run on the general nodes");
        }

        string? cpu = null, cpuLimit = null, memory = null;
        if (resources is not null)
        {
            cpu = OptionalQuantity(resources, "cpu", ref valid);
            cpuLimit = OptionalQuantity(resources, "cpuLimit", ref valid);
            memory = OptionalQuantity(resources, "memory", ref valid);
            resources.RejectUnknownKeys();
        }

        var scaling = ReadModelScaling(scalingNode, addons, runtime, pool, gpus, ref valid);
        var canary = ReadModelCanary(canaryNode, source, ref valid);
        var governance = ReadGovernance(governanceNode, node, source?.RegisteredModel ?? name, ref valid);

        return valid && name is not null && source is not null && runtime is not null && governance is not null
            ? new ModelConfig
            {
                Name = name,
                Namespace = ns,
                Source = source,
                Runtime = runtime.Value,
                Gpus = gpus,
                NodePool = pool,
                Cpu = cpu,
                CpuLimit = cpuLimit,
                Memory = memory,
                Scaling = scaling,
                Canary = canary,
                Governance = governance,
            }
            : null;
    }

    private static string? OptionalQuantity(JsonConfigNode node, string name, ref bool valid)
    {
        var value = node.String(name);
        if (value is not null && !KubernetesNames.IsNonNegativeQuantity(value))
        {
            node.Problem(name, $"'{value}' is not a non-negative Kubernetes quantity (e.g. 500m, 2, 8Gi)");
            valid = false;
        }

        return value;
    }

    private static ModelScaling ReadModelScaling(
        JsonConfigNode? node, AddonsConfig addons, ModelRuntime? runtime, NodePoolConfig? pool, int gpus, ref bool valid)
    {
        if (node is null)
        {
            return ModelScaling.Single;
        }

        var min = node.Int("minReplicas") ?? 1;
        var max = node.Int("maxReplicas") ?? Math.Max(1, min);
        node.RejectUnknownKeys();
        if (min < 1)
        {
            node.Problem("minReplicas", $"must be at least 1, not {min}");
            valid = false;
        }
        else if (max < min)
        {
            node.Problem("maxReplicas", $"must be at least minReplicas ({min}), not {max}");
            valid = false;
        }
        else if (max > min && !(runtime == ModelRuntime.Vllm && addons.Keda && addons.Monitoring))
        {
            // The platform's autoscaler reads vLLM's requests in flight from Prometheus; other runtimes keep fixed replicas.
            node.Problem("maxReplicas", $"a replica range is scaled by KEDA on vLLM's load: only vllm models with {Key("addons")}.keda and monitoring on; otherwise set maxReplicas to minReplicas");
            valid = false;
        }
        else if (pool is not null && gpus > 0 && max * gpus > pool.EffectiveGpuLimit)
        {
            node.Problem("maxReplicas", $"{max} replicas of {gpus} GPU{(gpus == 1 ? "" : "s")} exceed the {pool.EffectiveGpuLimit} GPUs pool '{pool.Name}' may provision");
            valid = false;
        }

        return new ModelScaling(Math.Max(1, min), Math.Max(Math.Max(1, min), max));
    }

    private static ModelCanary? ReadModelCanary(JsonConfigNode? node, ModelSource? stable, ref bool valid)
    {
        if (node is null)
        {
            return null;
        }

        var uri = node.String("source");
        var percent = node.Int("trafficPercent");
        node.RejectUnknownKeys();
        var source = uri is null ? null : ModelSource.Parse(uri);
        if (uri is null)
        {
            node.Problem("source", "required: the model the canary serves");
            valid = false;
        }
        else if (source is null)
        {
            node.Problem("source", ModelSource.Problem(uri)!);
            valid = false;
        }
        else if (!source.UsesStorageInitializer || stable is { UsesStorageInitializer: false })
        {
            // KServe builds the canary from the stable predictor and fills it with its storage initializer; the
            // registry resolver is an init container of the stable pod and would be inherited.
            node.Problem("source", "a canary needs bucket or hf:// sources on both sides; serve a registry candidate as its own model");
            valid = false;
        }

        if (percent is null)
        {
            node.Problem("trafficPercent", "required: the share of requests (0-100) the canary gets; 0 deploys it dark");
            valid = false;
        }
        else if (percent is < 0 or > 100)
        {
            node.Problem("trafficPercent", $"must be between 0 and 100, not {percent}");
            valid = false;
        }

        return source is null || percent is null ? null : new ModelCanary(source, Math.Clamp(percent.Value, 0, 100));
    }

    private static ModelGovernance? ReadGovernance(JsonConfigNode? node, JsonConfigNode model, string? modelName, ref bool valid)
    {
        if (node is null)
        {
            model.Problem("governance", "required: owner, version and stage of the model (the governance policies check them)");
            valid = false;
            return null;
        }

        var owner = node.String("owner");
        var version = node.String("version");
        var stageName = node.String("stage") ?? "staging";
        var experiment = node.String("experiment");
        var runId = node.String("runId");
        var approval = node.Object("approval");
        var approver = approval?.String("approver");
        var ticket = approval?.String("ticket");
        approval?.RejectUnknownKeys();
        node.RejectUnknownKeys();
        var ok = true;
        void Problem(JsonConfigNode at, string key, string message)
        {
            at.Problem(key, message);
            ok = false;
        }

        if (owner is null)
        {
            Problem(node, "owner", "required: the owning team or person (a label value)");
        }
        else if (!KubernetesNames.IsLabelValue(owner) || owner.Length == 0)
        {
            Problem(node, "owner", $"'{owner}' is not a label value (letters, digits, '-', '_', '.'; at most 63)");
        }

        if (version is null)
        {
            Problem(node, "version", "required: the model's semantic version X.Y.Z");
        }
        else if (!IsSemanticVersion(version))
        {
            Problem(node, "version", $"'{version}' is not a semantic version X.Y.Z (e.g. 1.4.0)");
        }

        var stage = Enum.GetValues<ModelStage>().Where(s => ModelGovernance.StageValue(s) == stageName).Cast<ModelStage?>().FirstOrDefault();
        if (stage is null)
        {
            Problem(node, "stage", $"'{stageName}' is not staging, production or archived");
        }

        foreach (var (at, key, value) in new[] { (node, "experiment", experiment), (node, "runId", runId), (approval, "approver", approver), (approval, "ticket", ticket) })
        {
            if (value is not null && (value.Length == 0 || !IsTrimmedText(value)))
            {
                Problem(at!, key, "must be non-empty, without line breaks, tabs or leading or trailing white space");
            }
        }

        if (stage == ModelStage.Production)
        {
            if (runId is null)
            {
                Problem(node, "runId", "required for a production model: the MLflow run that produced it (lineage)");
            }

            if (approver is null || ticket is null)
            {
                Problem(approval ?? node, approval is null ? "approval" : approver is null ? "approver" : "ticket",
                    "a production model needs approval.approver and approval.ticket");
            }
        }

        if (modelName is not null && !KubernetesNames.IsLabelValue(modelName))
        {
            Problem(model, "source", $"the model name '{modelName}' must be a label value (at most 63 characters)");
        }

        if (!ok)
        {
            valid = false;
            return null;
        }

        return modelName is null
            ? null
            : new ModelGovernance
            {
                ModelName = modelName,
                Owner = owner!,
                Version = version!,
                Stage = stage!.Value,
                Experiment = experiment,
                RunId = runId,
                Approver = approver,
                Ticket = ticket,
            };
    }

    /// <summary>True for a semantic version <c>X.Y.Z</c> (numbers without leading zeros), the form the governance policy accepts.</summary>
    public static bool IsSemanticVersion(string value) => SemanticVersion().IsMatch(value);

    [GeneratedRegex(@"\A(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\z")]
    private static partial Regex SemanticVersion();
}
