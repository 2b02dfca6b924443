using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>One chaos experiment of the platform, run by a Chaos Mesh <c>Schedule</c>.</summary>
/// <param name="Name">The Schedule's name.</param>
/// <param name="Kind">The chaos kind the Schedule creates (<c>PodChaos</c>, <c>NetworkChaos</c>, <c>StressChaos</c>).</param>
/// <param name="Cron">When it runs (UTC, the chart's time zone).</param>
/// <param name="Expectation">What the platform should do while it runs, for the people watching.</param>
/// <param name="Chaos">The chaos spec the Schedule embeds.</param>
public sealed record ChaosExperiment(string Name, string Kind, string Cron, string Expectation, Dictionary<string, object> Chaos)
{
    /// <summary>The key of the embedded spec in a Schedule (<c>podChaos</c>, ...).</summary>
    public string SpecKey => char.ToLowerInvariant(Kind[0]) + Kind[1..];

    /// <summary>The Schedule's spec: one run at a time, the last five kept.</summary>
    public Dictionary<string, object> ScheduleSpec() => new()
    {
        ["schedule"] = Cron,
        ["type"] = Kind,
        ["concurrencyPolicy"] = "Forbid",
        ["historyLimit"] = 5,
        [SpecKey] = Chaos,
    };
}

/// <summary>
/// The five chaos experiments of the platform, all aimed at the model servers of the serving namespace (KServe's
/// predictor pods), on weekdays in working hours one hour apart so that each one's effect can be told apart: a
/// predictor killed for 30 s, network delay, a network partition, CPU stress (which should make the autoscaler add
/// replicas) and memory stress.
/// </summary>
public static class ChaosExperiments
{
    /// <summary>The pod-failure experiment's duration.</summary>
    public const string PodFailureDuration = "30s";

    /// <summary>The pods of KServe predictors in a namespace: labelled with their InferenceService and <c>component: predictor</c>.</summary>
    public static Dictionary<string, object> Predictors(string servingNamespace) => new()
    {
        ["namespaces"] = new[] { servingNamespace },
        ["labelSelectors"] = new Dictionary<string, object> { ["component"] = "predictor" },
        ["expressionSelectors"] = new object[]
        {
            new Dictionary<string, object> { ["key"] = TetragonPolicies.InferenceServiceLabel, ["operator"] = "Exists" },
        },
    };

    /// <summary>The five experiments against the predictors of <paramref name="servingNamespace"/>.</summary>
    public static ImmutableArray<ChaosExperiment> For(string servingNamespace) =>
    [
        new("predictor-pod-failure", "PodChaos", "0 10 * * 1-5",
            "the predictor's other replicas (or a restart within 30 s) keep serving; the gateway's error rate stays under the alert",
            new Dictionary<string, object>
            {
                ["action"] = "pod-failure",
                ["mode"] = "one",
                ["duration"] = PodFailureDuration,
                ["selector"] = Predictors(servingNamespace),
            }),
        new("predictor-network-delay", "NetworkChaos", "0 11 * * 1-5",
            "latency rises by about 200 ms on one predictor; the P95 latency alert fires only if the model was already near its budget",
            new Dictionary<string, object>
            {
                ["action"] = "delay",
                ["mode"] = "one",
                ["duration"] = "5m",
                ["selector"] = Predictors(servingNamespace),
                ["delay"] = new Dictionary<string, object> { ["latency"] = "200ms", ["jitter"] = "50ms", ["correlation"] = "25" },
            }),
        new("predictor-network-partition", "NetworkChaos", "0 13 * * 1-5",
            "one predictor is cut off from the rest of the serving namespace for a minute; its readiness fails and traffic goes to the others",
            new Dictionary<string, object>
            {
                ["action"] = "partition",
                ["mode"] = "one",
                ["duration"] = "1m",
                ["direction"] = "both",
                ["selector"] = Predictors(servingNamespace),
                ["target"] = new Dictionary<string, object>
                {
                    ["mode"] = "all",
                    ["selector"] = new Dictionary<string, object> { ["namespaces"] = new[] { servingNamespace } },
                },
            }),
        new("predictor-cpu-stress", "StressChaos", "0 14 * * 1-5",
            "every predictor's CPU is loaded for 10 minutes: the autoscaler should add replicas, and remove them afterwards",
            new Dictionary<string, object>
            {
                ["mode"] = "all",
                ["duration"] = "10m",
                ["selector"] = Predictors(servingNamespace),
                ["stressors"] = new Dictionary<string, object>
                {
                    ["cpu"] = new Dictionary<string, object> { ["workers"] = 2, ["load"] = 90 },
                },
            }),
        new("predictor-memory-stress", "StressChaos", "0 15 * * 1-5",
            "one predictor's memory is squeezed for 5 minutes: it may be OOM-killed and restarted, the others keep serving",
            new Dictionary<string, object>
            {
                ["mode"] = "one",
                ["duration"] = "5m",
                ["selector"] = Predictors(servingNamespace),
                ["stressors"] = new Dictionary<string, object>
                {
                    ["memory"] = new Dictionary<string, object> { ["workers"] = 1, ["size"] = "512MB" },
                },
            }),
    ];
}
