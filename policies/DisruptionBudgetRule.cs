using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace MlPlatform.Policies;

/// <summary>
/// The plan gate's availability rule: what the Helm releases and the platform's own workloads do when a node is
/// drained (an upgrade, Karpenter consolidation). Release values are coalesced with the chart's defaults from
/// <see cref="ChartAvailability"/> and evaluated with the chart's own template logic, so an enabled budget that
/// renders <c>minAvailable: 0</c> counts as no budget.
/// </summary>
/// <remarks>
/// In a production stack (namespaces labelled <c>mlplatform.io/environment: production</c>), every component that runs
/// two or more replicas needs a budget that keeps one pod running and lets one be evicted, and every chart needs an
/// entry in the table. In every stack, no budget may block all evictions or be one the chart or API rejects.
/// </remarks>
public static class DisruptionBudgetRule
{
    /// <summary>The rule's name in the gate.</summary>
    public const string Name = "disruption-budgets";

    /// <summary>The label whose value <c>production</c> marks a production stack.</summary>
    public const string EnvironmentLabel = "mlplatform.io/environment";

    private const string ReleaseType = "kubernetes:helm.sh/v3:Release";
    private const string BudgetType = "kubernetes:policy/v1:PodDisruptionBudget";
    private const string InferenceServiceType = "kubernetes:serving.kserve.io/v1beta1:InferenceService";

    /// <summary>The labels KServe (Standard mode) puts on every predictor pod of an InferenceService.</summary>
    public static ImmutableDictionary<string, string> PredictorPodLabels(string inferenceService) => ImmutableDictionary<string, string>.Empty
        .Add("serving.kserve.io/inferenceservice", inferenceService)
        .Add("component", "predictor");

    /// <summary>True when the plan's namespaces are labelled as a production stack's.</summary>
    public static bool IsProduction(IReadOnlyList<PlanItem> plan) => plan.Any(r =>
        r.Type == "kubernetes:core/v1:Namespace" && r.Inputs["metadata"]?["labels"]?[EnvironmentLabel]?.ToString() == "production");

    /// <summary>Runs the rule.</summary>
    public static IEnumerable<PolicyViolation> Check(IReadOnlyList<PlanItem> plan)
    {
        var production = IsProduction(plan);
        var budgets = plan.Where(r => r.Type == BudgetType).ToList();
        var violations = new List<PolicyViolation>();
        foreach (var release in plan.Where(r => r.Type == ReleaseType))
        {
            violations.AddRange(CheckRelease(release, budgets, production));
        }

        foreach (var budget in budgets)
        {
            if (BudgetProblem(budget) is { } problem)
            {
                violations.Add(Violation(budget, problem));
            }
        }

        if (production)
        {
            foreach (var service in plan.Where(r => r.Type == InferenceServiceType))
            {
                var name = service.ObjectName;
                var predictor = service.Inputs["spec"]?["predictor"];
                var replicas = (int)HelmValues.ToInteger(predictor?["minReplicas"] ?? 1);
                var labels = PredictorPodLabels(name).SetItems(Labels(predictor?["labels"]));
                if (replicas >= 2 && PlatformBudgetProblem(budgets, service.Namespace, labels, replicas) is { } problem)
                {
                    violations.Add(Violation(service, $"runs {replicas} predictor replicas (spec.predictor.minReplicas) and {problem}"));
                }
            }
        }

        return violations;
    }

    /// <summary>True when a label selector (<c>matchLabels</c>, <c>matchExpressions</c>) selects pods with <paramref name="labels"/>.</summary>
    public static bool Selects(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        var matchLabels = selector?["matchLabels"] as JsonObject ?? [];
        var expressions = selector?["matchExpressions"] as JsonArray ?? [];
        if (matchLabels.Count == 0 && expressions.Count == 0)
        {
            return false; // An empty selector selects every pod of the namespace: never what a platform budget means.
        }

        return matchLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value?.ToString())
            && expressions.All(e => Matches(e, labels));
    }

    private static IEnumerable<PolicyViolation> CheckRelease(PlanItem release, List<PlanItem> budgets, bool production)
    {
        var chartRef = release.Inputs["chart"]?.ToString() ?? "";
        var chart = chartRef[(chartRef.LastIndexOf('/') + 1)..];
        var version = release.Inputs["version"]?.ToString() ?? "";
        var entry = ChartAvailability.Find(chart, version);
        if (entry is null)
        {
            if (production)
            {
                yield return Violation(release, $"chart {chart} {version} has no entry in policies/ChartAvailability.cs: read its templates at that version and describe its workloads, so that their disruption budgets can be checked");
            }

            yield break;
        }

        var values = HelmValues.Coalesce(release.Inputs["values"] as JsonObject, entry.Defaults());
        var releaseName = release.Inputs["name"]?.ToString() ?? release.Name;
        var releaseNamespace = release.Inputs["namespace"]?.ToString();
        foreach (var component in entry.Components)
        {
            var availability = ComponentAvailability.Of(chart, component, values);
            switch (availability.Verdict)
            {
                case BudgetVerdict.BlocksEvictions or BudgetVerdict.Invalid:
                    yield return Violation(release, availability.Problem!);
                    break;
                case BudgetVerdict.Unprotected when production:
                    yield return Violation(release, availability.Problem!);
                    break;
                case BudgetVerdict.NeedsPlatformBudget when production:
                    var labels = ((PlatformBudget)component.Budget).PodLabels
                        .ToImmutableDictionary(l => l.Key, l => l.Value.Replace("{release}", releaseName, StringComparison.Ordinal));
                    if (PlatformBudgetProblem(budgets, releaseNamespace, labels, availability.Replicas) is { } problem)
                    {
                        yield return Violation(release, $"{chart} component '{component.Name}' runs {availability.Replicas} replicas ({component.ReplicaSource}); the chart has no PodDisruptionBudget template and {problem}");
                    }

                    break;
            }
        }
    }

    // The budget the platform creates for pods it (or a chart without a budget template) runs.
    private static string? PlatformBudgetProblem(List<PlanItem> budgets, string? @namespace, IReadOnlyDictionary<string, string> labels, int replicas)
    {
        var selecting = budgets.Where(b => b.Namespace == @namespace && Selects(b.Inputs["spec"]?["selector"], labels)).ToList();
        var podLabels = string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
        if (selecting.Count == 0)
        {
            return $"no PodDisruptionBudget in namespace {@namespace} selects its pods ({podLabels})";
        }

        foreach (var budget in selecting)
        {
            var spec = budget.Inputs["spec"];
            var rendered = new RenderedBudget(spec?["minAvailable"], spec?["maxUnavailable"], []);
            var (verdict, problem) = ComponentAvailability.Judge(rendered, replicas);
            if (verdict != BudgetVerdict.Protected)
            {
                return $"PodDisruptionBudget {budget.ObjectName} {problem ?? "does not protect it"}";
            }
        }

        return null;
    }

    // A budget the platform creates: one bound, one that is not trivially useless or blocking, and a selector.
    private static string? BudgetProblem(PlanItem budget)
    {
        var spec = budget.Inputs["spec"];
        var rendered = new RenderedBudget(spec?["minAvailable"], spec?["maxUnavailable"], []);
        if (rendered.MinAvailable is not null && rendered.MaxUnavailable is not null)
        {
            return $"sets both bounds ({ComponentAvailability.Describe(rendered)}), which the API rejects";
        }

        if (rendered.MinAvailable is null && rendered.MaxUnavailable is null)
        {
            return "sets no bound, which protects nothing";
        }

        if ((spec?["selector"]?["matchLabels"] as JsonObject ?? []).Count == 0 && (spec?["selector"]?["matchExpressions"] as JsonArray ?? []).Count == 0)
        {
            return "has no label selector (an empty one selects every pod of the namespace)";
        }

        // Without knowing how many pods it selects, only the bounds that are wrong for every count can be judged.
        return (Text(rendered.MinAvailable), Text(rendered.MaxUnavailable)) switch
        {
            ("0" or "0%", _) => "sets minAvailable: 0, which protects nothing",
            ("100%", _) => "sets minAvailable: 100%, which allows no eviction: drains and consolidation hang",
            (_, "0" or "0%") => "sets maxUnavailable: 0, which allows no eviction: drains and consolidation hang",
            (_, "100%") => "sets maxUnavailable: 100%, which protects nothing",
            _ => null,
        };
    }

    private static string? Text(JsonNode? bound) => bound?.ToString().Trim();

    private static bool Matches(JsonNode? expression, IReadOnlyDictionary<string, string> labels)
    {
        var key = expression?["key"]?.ToString() ?? "";
        var values = (expression?["values"] as JsonArray ?? []).Select(v => v?.ToString()).ToHashSet();
        var has = labels.TryGetValue(key, out var value);
        return expression?["operator"]?.ToString() switch
        {
            "In" => has && values.Contains(value),
            "NotIn" => !has || !values.Contains(value),
            "Exists" => has,
            "DoesNotExist" => !has,
            _ => false,
        };
    }

    private static ImmutableDictionary<string, string> Labels(JsonNode? labels) =>
        (labels as JsonObject ?? []).ToImmutableDictionary(l => l.Key, l => l.Value?.ToString() ?? "");

    private static PolicyViolation Violation(PlanItem resource, string message) => new(Name, $"{resource.Type} {resource.Name}", message);

}
