using System.Text.Json.Nodes;
using MlPlatform.Policies;
using YamlDotNet.RepresentationModel;

namespace MlPlatform.Tests.Support;

/// <summary>
/// Checks Helm values against a chart version's real defaults (tests/Fixtures/schemas/charts): every key the
/// platform sets must exist there, so that a typo or a key renamed upstream fails a test instead of being
/// silently ignored by Helm.
/// </summary>
public static class ChartValues
{
    /// <summary>Keys every chart takes as maps of the user's own data, whatever example entries its defaults show.</summary>
    private static readonly HashSet<string> UserDataMaps =
        ["nodeSelector", "annotations", "podAnnotations", "labels", "podLabels", "commonLabels"];

    /// <summary>
    /// Per chart, the paths its templates read but its values.yaml leaves out or comments out, each with why it is
    /// safe to set: one reviewed list instead of exceptions scattered over the tests. The disruption budget, spread
    /// and priority paths of that kind come from the reviewed table (<see cref="ChartAvailability"/>, its
    /// <see cref="ChartValue.Absent"/> entries, read from the templates).
    /// </summary>
    private static readonly Dictionary<string, string[]> DocumentedPaths = new()
    {
        // The chart copies podSecurityContext into the pod spec as is, and its values.schema.json allows the field;
        // there is no other way to set seccomp RuntimeDefault, which Pod Security "restricted" requires.
        ["mlflow"] = ["podSecurityContext.seccompProfile"],

        // The chart copies podSecurityContext and securityContext into the pod as they are; its defaults lack the
        // fields Pod Security "restricted" requires (non-root and RuntimeDefault seccomp for the pod, no capabilities).
        ["aws-load-balancer-controller"] = ["podSecurityContext.runAsNonRoot", "podSecurityContext.seccompProfile", "securityContext.capabilities"],

        // prometheus-node-exporter's daemonset.yaml renders `with .Values.priorityClassName`; values.yaml comments it out.
        ["kube-prometheus-stack"] = ["prometheus-node-exporter.priorityClassName"],

        // loki.storage.bucketNames is read by the chart's storage helpers and documented commented out in values.yaml;
        // loki.limits_config is passed through `tpl toYaml` into Loki's own configuration (retention, OTLP labels).
        ["loki"] = ["loki.storage.bucketNames", "loki.limits_config.retention_period", "loki.limits_config.otlp_config"],

        // tempo.storage is rendered with `toYaml` into Tempo's configuration (its s3/gcs/azure blocks are Tempo's); the
        // pod securityContext is copied as given and needs RuntimeDefault seccomp for Pod Security "restricted".
        ["tempo"] = ["tempo.storage.trace.s3", "tempo.storage.trace.gcs", "tempo.storage.trace.azure", "securityContext.seccompProfile"],

        // The collector's own configuration, merged into the chart's defaults and rendered as its config file.
        ["opentelemetry-collector"] = ["config.exporters", "config.service.pipelines"],
    };

    /// <summary>
    /// The dotted paths of <paramref name="values"/> that the chart does not know. A path is known when each of
    /// its keys exists in the defaults; below an empty map, a list or a null default anything goes (the chart
    /// takes user structure there). Keys under a subchart's name are looked up in that subchart's defaults.
    /// </summary>
    /// <param name="chart">Chart name, as in the fixtures folder.</param>
    /// <param name="version">Chart version, as in the fixtures folder.</param>
    /// <param name="values">The values the platform sets (a JSON object).</param>
    /// <param name="freeForm">Paths the chart documents but leaves out of its defaults (commented out), each allowed with everything below it.</param>
    public static IReadOnlyList<string> UnknownKeys(string chart, string version, JsonNode values, params string[] freeForm)
    {
        var root = Load(RepositoryPaths.ChartValues(chart, version));
        var chartDirectory = Path.GetDirectoryName(RepositoryPaths.ChartValues(chart, version))!;
        var unknown = new List<string>();
        var fromTable = ChartAvailability.Find(chart, version)?.Values().Where(v => !v.InDefaults).Select(v => v.Path) ?? [];
        Walk(root, values, "", unknown, chartDirectory, [.. freeForm, .. DocumentedPaths.GetValueOrDefault(chart) ?? [], .. fromTable]);
        return unknown;
    }

    private static void Walk(YamlNode? defaults, JsonNode? values, string path, List<string> unknown, string chartDirectory, string[] freeForm)
    {
        if (values is not JsonObject map)
        {
            return;
        }

        if (defaults is not YamlMappingNode mapping || mapping.Children.Count == 0)
        {
            return; // A free-form map (or a value the chart passes through as given).
        }

        foreach (var (key, value) in map)
        {
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (UserDataMaps.Contains(key) || freeForm.Any(f => childPath == f || childPath.StartsWith(f + ".", StringComparison.Ordinal)))
            {
                continue;
            }

            var subchart = Path.Combine(chartDirectory, "charts", key, "values.yaml");
            if (mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                if (child is YamlScalarNode { Value: null or "" or "~" or "null" } || child is YamlSequenceNode)
                {
                    continue;
                }

                var found = new List<string>();
                Walk(child, value, childPath, found, chartDirectory, freeForm);
                if (found.Count > 0 && path.Length == 0 && File.Exists(subchart))
                {
                    // The parent overrides some of a subchart's values; the rest are the subchart's own keys.
                    var inSubchart = new List<string>();
                    Walk(Load(subchart), value, childPath, inSubchart, Path.GetDirectoryName(subchart)!, freeForm);
                    found = [.. found.Intersect(inSubchart)];
                }

                unknown.AddRange(found);
                continue;
            }

            if (path.Length == 0 && key == "global")
            {
                continue;
            }

            if (path.Length == 0 && File.Exists(subchart))
            {
                Walk(Load(subchart), value, childPath, unknown, Path.GetDirectoryName(subchart)!, [.. freeForm.Where(f => f.StartsWith(key + ".", StringComparison.Ordinal)).Select(f => f[(key.Length + 1)..])]);
                continue;
            }

            unknown.Add(childPath);
        }
    }

    private static YamlNode Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No chart defaults at {path}: add the chart's values.yaml to the fixtures.", path);
        }

        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Count > 0 ? stream.Documents[0].RootNode : new YamlMappingNode();
    }
}
