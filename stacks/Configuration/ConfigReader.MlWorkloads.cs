using System.Collections.Immutable;
using System.Text.RegularExpressions;
using MlPlatform.Components.Addons;
using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of the ML workloads keys: <c>mlplatform:kserve</c>, <c>mlplatform:mlflow</c>, <c>mlplatform:argoCd</c>.</summary>
public static partial class ConfigReader
{
    private static KserveConfig ReadKserve(
        JsonConfigNode? node, AddonsConfig addons, ImmutableArray<NodePoolConfig> nodePools, bool production, List<ConfigProblem> problems)
    {
        var sample = node?.Object("sampleModel");
        node?.RejectUnknownKeys();
        if (sample is null)
        {
            return new KserveConfig();
        }

        var enabled = sample.Bool("enabled") ?? true;
        var model = sample.String("model");
        var gpus = sample.Int("gpus") ?? 1;
        var replicas = sample.Int("replicas") ?? 1;
        var poolName = sample.String("nodePool");
        var canaryModel = sample.String("canaryModel");
        var canaryPercent = sample.Int("canaryTrafficPercent");
        var maxReplicas = sample.Int("maxReplicas");
        var scaling = ReadModelScaling(sample);
        sample.RejectUnknownKeys();
        if (!enabled)
        {
            return new KserveConfig();
        }

        if (!addons.Kserve)
        {
            sample.Problem("enabled", $"the sample model needs KServe; enable {Key("addons")}.kserve or set enabled: false");
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            sample.Problem("model", "required: the Hugging Face model id vLLM serves, e.g. Qwen/Qwen2.5-0.5B-Instruct");
        }
        else if (!IsHuggingFaceModelId(model))
        {
            sample.Problem("model", $"'{model}' is not a Hugging Face model id of the form owner/name (KServe downloads hf://owner/name)");
        }

        if (canaryModel is not null && !IsHuggingFaceModelId(canaryModel))
        {
            sample.Problem("canaryModel", $"'{canaryModel}' is not a Hugging Face model id of the form owner/name (KServe downloads hf://owner/name)");
        }

        var pool = poolName is null ? nodePools.FirstOrDefault(p => p.IsGpu) : nodePools.FirstOrDefault(p => p.Name == poolName);
        if (pool is null)
        {
            sample.Problem("nodePool", poolName is null
                ? $"no gpu pool in {Key("nodePools")} to run the sample model on; add one or disable the sample model"
                : $"'{poolName}' is not a pool of {Key("nodePools")} ({string.Join(", ", nodePools.Select(p => p.Name))})");
        }
        else if (!pool.IsGpu)
        {
            sample.Problem("nodePool", $"'{pool.Name}' is a {Lower(pool.Role)} pool; the sample model needs a gpu pool");
            pool = null;
        }

        if (gpus < 1)
        {
            sample.Problem("gpus", $"must be at least 1, not {gpus}");
        }
        else if (pool is not null && gpus > pool.GpusPerNode)
        {
            sample.Problem("gpus", $"{gpus} GPUs do not fit on one node of pool '{pool.Name}' ({pool.GpusPerNode} per node)");
        }

        if (replicas < 1)
        {
            sample.Problem("replicas", $"must be at least 1, not {replicas}");
        }
        else if (pool is not null && gpus >= 1 && replicas * gpus > pool.EffectiveGpuLimit)
        {
            sample.Problem("replicas", $"{replicas} replicas of {gpus} GPU{(gpus == 1 ? "" : "s")} exceed the {pool.EffectiveGpuLimit} GPUs pool '{pool.Name}' may provision");
        }

        if (canaryPercent is < 0 or > 100)
        {
            sample.Problem("canaryTrafficPercent", $"must be between 0 and 100, not {canaryPercent}");
        }
        else if (canaryPercent is not null && canaryModel is null)
        {
            sample.Problem("canaryTrafficPercent", "only applies with a canaryModel (the model the canary serves)");
        }

        if (canaryModel is not null && canaryPercent is null)
        {
            sample.Problem("canaryModel", "set canaryTrafficPercent (0 deploys the canary without traffic)");
        }

        // KEDA scales the stable predictor between replicas (the floor) and maxReplicas on vLLM's load from Prometheus.
        var autoscaled = addons.Keda && addons.Monitoring;
        var floor = Math.Max(1, replicas);
        var canaryReplicas = canaryModel is null ? 0 : (int)Math.Ceiling(floor * Math.Clamp(canaryPercent ?? 0, 0, 100) / 100.0);
        var capacity = pool is null || gpus < 1 ? 1 : pool.EffectiveGpuLimit / gpus;
        if (maxReplicas < floor)
        {
            sample.Problem("maxReplicas", $"must be at least replicas ({floor}), not {maxReplicas}");
        }
        else if (maxReplicas > floor && !autoscaled)
        {
            sample.Problem("maxReplicas", $"scaling between replicas and maxReplicas is KEDA's job on the model server's load from Prometheus: enable {Key("addons")}.keda and monitoring, or leave maxReplicas out");
        }
        else if (maxReplicas is { } ceiling && pool is not null && gpus >= 1 && ceiling + canaryReplicas > capacity)
        {
            sample.Problem("maxReplicas",
                $"{ceiling} replicas{(canaryReplicas > 0 ? $" and {canaryReplicas} canary" : string.Empty)} of {gpus} GPU{(gpus == 1 ? string.Empty : "s")} exceed the {pool.EffectiveGpuLimit} GPUs pool '{pool.Name}' may provision");
        }

        var max = maxReplicas ?? floor;
        CheckModelScaling(sample, scaling, production, autoscaled && max > floor, floor);

        return pool is null || string.IsNullOrWhiteSpace(model)
            ? new KserveConfig()
            : new KserveConfig
            {
                SampleModel = new SampleModelConfig
                {
                    Model = model,
                    Gpus = gpus,
                    Replicas = Math.Max(1, replicas),
                    NodePool = pool,
                    CanaryModel = canaryModel,
                    CanaryTrafficPercent = canaryPercent ?? 0,
                    MaxReplicas = Math.Max(floor, max),

                    // A ceiling above the floor is what asks KEDA to scale.
                    Autoscaled = autoscaled && max > floor,
                    Scaling = scaling,
                },
            };
    }

    private static MlflowConfig ReadMlflow(JsonConfigNode? node, CloudKind? cloud, List<ConfigProblem> problems)
    {
        var replicas = node?.Int("replicas");
        node?.RejectUnknownKeys();
        if (replicas < 1)
        {
            problems.Add(new($"{Key("mlflow")}.replicas", $"must be at least 1, not {replicas}"));
        }
        else if (replicas > 1 && cloud == CloudKind.Existing)
        {
            problems.Add(new($"{Key("mlflow")}.replicas",
                "an existing cluster has no cloud database: MLflow runs on SQLite on one volume, so only 1 replica"));
        }

        return new MlflowConfig { Replicas = replicas };
    }

    private static ArgoCdConfig ReadArgoCd(
        JsonConfigNode? node, AddonsConfig addons, ImmutableArray<NamespaceConfig> namespaces, List<ConfigProblem> problems)
    {
        var app = node?.Object("application");
        node?.RejectUnknownKeys();
        if (app is null)
        {
            return new ArgoCdConfig();
        }

        var defaults = new GitOpsApplication { Name = ArgoCdConfig.DefaultApplicationName, RepoUrl = "", Namespace = "" };
        var name = app.String("name") ?? defaults.Name;
        var repoUrl = app.String("repoUrl");
        var path = app.String("path") ?? defaults.Path;
        var revision = app.String("targetRevision") ?? defaults.TargetRevision;
        var ns = app.String("namespace");
        var prune = app.Bool("prune") ?? defaults.Prune;
        var selfHeal = app.Bool("selfHeal") ?? defaults.SelfHeal;
        app.RejectUnknownKeys();

        if (!addons.ArgoCd)
        {
            app.Problem("repoUrl", $"the application needs Argo CD; enable {Key("addons")}.argoCd or remove {Key("argoCd")}.application");
        }

        if (!KubernetesNames.IsDns1123Label(name))
        {
            app.Problem("name", $"'{name}' is not a DNS-1123 label");
        }

        if (repoUrl is null)
        {
            app.Problem("repoUrl", "required: the Git repository Argo CD syncs (https://, ssh:// or git@host:path)");
        }
        else if (!IsGitUrl(repoUrl))
        {
            app.Problem("repoUrl", $"'{repoUrl}' is not an https://, ssh:// or git@host:path URL");
        }

        if (!IsTrimmedText(path))
        {
            app.Problem("path", "must be a directory of the repository, without line breaks, tabs or leading or trailing white space");
        }
        else if (path.StartsWith('/') || path.Split('/').Contains(".."))
        {
            app.Problem("path", $"'{path}' must be relative to the repository root, without '..'");
        }

        if (string.IsNullOrWhiteSpace(revision))
        {
            app.Problem("targetRevision", "must not be empty (a branch, tag, commit or HEAD)");
        }
        else if (!IsGitRevision(revision))
        {
            app.Problem("targetRevision", $"'{revision}' is not a branch, tag or commit name (git check-ref-format: no white space, control characters, '..', '~', '^', ':', '?', '*', '[' or '\\')");
        }

        if (ns is null)
        {
            app.Problem("namespace", "required: the namespace the manifests are applied to");
        }
        else if (!KubernetesNames.IsDns1123Label(ns))
        {
            app.Problem("namespace", $"'{ns}' is not a DNS-1123 label");
        }
        else if (namespaces.All(n => n.Name != ns))
        {
            // Applications never create namespaces: every namespace needs the tenancy layer's quota and policies.
            var teams = string.Join(", ", namespaces.Where(n => n.IsTeam).Select(n => n.Name));
            app.Problem("namespace", $"'{ns}' is not a namespace of the platform; add it to {Key("teams")} (teams: {teams})");
        }

        return repoUrl is null || ns is null
            ? new ArgoCdConfig()
            : new ArgoCdConfig
            {
                Application = new GitOpsApplication
                {
                    Name = name,
                    RepoUrl = repoUrl,
                    Path = path,
                    TargetRevision = revision,
                    Namespace = ns,
                    Prune = prune,
                    SelfHeal = selfHeal,
                },
            };
    }

    /// <summary>
    /// True for a Git URL Argo CD can clone: <c>https://host/...</c>, <c>ssh://...</c> or <c>git@host:path</c>, in
    /// printable ASCII only (<see cref="Uri.TryCreate(string?, UriKind, out Uri?)"/> alone would trim surrounding white
    /// space and accept international letters that Git servers do not).
    /// </summary>
    public static bool IsGitUrl(string url) =>
        url.Length > 0 && url.All(c => c is > ' ' and < '\u007f')
        && ((Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "ssh" && uri.Host.Length > 0
                && Uri.IsWellFormedUriString(url, UriKind.Absolute))
            || ScpGitUrl().IsMatch(url));

    /// <summary>True for a Git branch, tag or commit name (the rules of <c>git check-ref-format</c> that matter here).</summary>
    public static bool IsGitRevision(string value) =>
        GitRevision().IsMatch(value) && !value.Contains("..", StringComparison.Ordinal) && !value.Contains("//", StringComparison.Ordinal)
        && !value.Contains("@{", StringComparison.Ordinal) && !value.EndsWith('/') && !value.EndsWith('.')
        && !value.EndsWith(".lock", StringComparison.Ordinal);

    /// <summary>True for a Hugging Face model id <c>owner/name</c>: each part at most 96 ASCII letters, digits, '_', '.' and '-'.</summary>
    public static bool IsHuggingFaceModelId(string value) =>
        HuggingFaceModelId().IsMatch(value) && value.Split('/').All(part => part.Length <= 96);

    // KServe's storage initializer accepts exactly hf://owner/name (an optional :revision is not offered here).
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*\z")]
    private static partial Regex HuggingFaceModelId();

    [GeneratedRegex(@"\A[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+:[A-Za-z0-9_./~-]+\z")]
    private static partial Regex ScpGitUrl();

    [GeneratedRegex(@"\A[A-Za-z0-9_@+][A-Za-z0-9_./@+-]*\z")]
    private static partial Regex GitRevision();
}
