using System.Text.Json.Nodes;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Addons;

public class RestrictedPodSecurityTests
{
    [Fact]
    public void A_default_pod_breaks_every_rule()
    {
        var pod = new JsonObject { ["hostNetwork"] = true, ["volumes"] = new JsonArray(new JsonObject { ["name"] = "root", ["hostPath"] = new JsonObject { ["path"] = "/" } }) };
        var container = new JsonObject { ["securityContext"] = new JsonObject { ["capabilities"] = new JsonObject { ["add"] = new JsonArray("SYS_ADMIN") } } };

        var problems = RestrictedPodSecurity.Problems(pod, [container], "pod");

        Assert.Equal(7, problems.Count);
    }

    [Fact]
    public void Pod_level_non_root_and_seccomp_cover_the_containers()
    {
        var pod = new JsonObject
        {
            ["securityContext"] = new JsonObject { ["runAsNonRoot"] = true, ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" } },
        };
        var container = new JsonObject
        {
            ["securityContext"] = new JsonObject { ["allowPrivilegeEscalation"] = false, ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") } },
        };

        Assert.Empty(RestrictedPodSecurity.Problems(pod, [container], "pod"));
    }
}
