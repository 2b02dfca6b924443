namespace MlPlatform.Components.Addons;

/// <summary>A KEDA <c>prometheus</c> trigger: the query's value per replica (<c>AverageValue</c>) against a threshold.</summary>
public static class PrometheusTrigger
{
    /// <summary>The trigger as a ScaledObject's <c>spec.triggers</c> entry.</summary>
    public static Dictionary<string, object> Spec(string name, string serverAddress, string query, string threshold) => new()
    {
        ["type"] = "prometheus",
        ["name"] = name,
        ["metricType"] = "AverageValue",
        ["metadata"] = new Dictionary<string, object>
        {
            ["serverAddress"] = serverAddress,
            ["query"] = query,
            ["threshold"] = threshold,
        },
    };
}
