using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlPlatform.Components.Addons;

/// <summary>One panel of a dashboard: a title, a unit and the PromQL queries it plots.</summary>
/// <param name="Title">Panel title.</param>
/// <param name="Unit">Grafana unit (<c>s</c>, <c>percent</c>, <c>percentunit</c>, <c>reqps</c>, <c>short</c>, <c>bytes</c>).</param>
/// <param name="Queries">Legend format to PromQL.</param>
public sealed record DashboardPanel(string Title, string Unit, ImmutableArray<(string Legend, string Expr)> Queries);

/// <summary>A Grafana dashboard the sidecar loads from a ConfigMap.</summary>
/// <param name="Uid">Stable dashboard UID (also the ConfigMap's name suffix).</param>
/// <param name="Title">Title.</param>
/// <param name="Panels">Panels, two per row.</param>
public sealed record GrafanaDashboard(string Uid, string Title, ImmutableArray<DashboardPanel> Panels)
{
    /// <summary>The dashboard model as Grafana's JSON.</summary>
    public string ToJson()
    {
        var panels = new JsonArray();
        for (var i = 0; i < Panels.Length; i++)
        {
            var panel = Panels[i];
            var targets = new JsonArray();
            var refId = 'A';
            foreach (var (legend, expr) in panel.Queries)
            {
                targets.Add(new JsonObject
                {
                    ["refId"] = (refId++).ToString(),
                    ["expr"] = expr,
                    ["legendFormat"] = legend,
                    ["datasource"] = new JsonObject { ["type"] = "prometheus", ["uid"] = "${datasource}" },
                });
            }

            panels.Add(new JsonObject
            {
                ["id"] = i + 1,
                ["type"] = "timeseries",
                ["title"] = panel.Title,
                ["datasource"] = new JsonObject { ["type"] = "prometheus", ["uid"] = "${datasource}" },
                ["gridPos"] = new JsonObject { ["h"] = 8, ["w"] = 12, ["x"] = i % 2 * 12, ["y"] = i / 2 * 8 },
                ["fieldConfig"] = new JsonObject { ["defaults"] = new JsonObject { ["unit"] = panel.Unit }, ["overrides"] = new JsonArray() },
                ["targets"] = targets,
            });
        }

        var dashboard = new JsonObject
        {
            ["uid"] = Uid,
            ["title"] = Title,
            ["tags"] = new JsonArray("mlplatform"),
            ["schemaVersion"] = 39,
            ["editable"] = false,
            ["refresh"] = "1m",
            ["time"] = new JsonObject { ["from"] = "now-6h", ["to"] = "now" },
            ["templating"] = new JsonObject
            {
                ["list"] = new JsonArray(new JsonObject
                {
                    ["name"] = "datasource",
                    ["type"] = "datasource",
                    ["query"] = "prometheus",
                    ["label"] = "Data source",
                }),
            },
            ["panels"] = panels,
        };
        return dashboard.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
