using MlPlatform.Policies;
using Xunit;
using static MlPlatform.Tests.Policies.PolicyTestItems;

namespace MlPlatform.Tests.Policies;

public class SecretRulesTests
{
    [Fact]
    public void A_password_in_a_config_map_is_refused_with_its_path()
    {
        var map = Item("kubernetes:core/v1:ConfigMap", "settings", """{"metadata":{"name":"s","namespace":"a"},"data":{"LOG_LEVEL":"info","DB_PASSWORD":"hunter22"}}""");

        var violation = Assert.Single(SecretRules.NoPlaintextSecrets([map]));

        Assert.Equal("kubernetes:core/v1:ConfigMap settings", violation.Resource);
        Assert.StartsWith("data.DB_PASSWORD: the secret-like key 'DB_PASSWORD' holds a plaintext value (8 characters)", violation.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Env_literals_of_secret_like_variables_are_refused_and_references_are_not()
    {
        var literal = Deployment("a", "serving", """{"name":"app","env":[{"name":"API_TOKEN","value":"abc123456"},{"name":"MODE","value":"fast"}]}""");
        var reference = Deployment("b", "serving", """{"name":"app","env":[{"name":"API_TOKEN","valueFrom":{"secretKeyRef":{"name":"s","key":"token"}}}]}""");

        var violation = Assert.Single(SecretRules.NoPlaintextSecrets([literal, reference]));

        Assert.Equal("spec.template.spec.containers[0].env[0]: the environment variable API_TOKEN is a literal; use valueFrom.secretKeyRef; make it a Pulumi secret, or read it from a Secret (secretKeyRef, an ExternalSecret)", violation.Message);
    }

    [Theory]
    [InlineData("postgresql://mlflow:s3cretpass@db:5432/mlflow", true)]
    [InlineData("Host=db;Username=mlflow;Password=s3cretpass;", true)]
    [InlineData("postgresql://mlflow:[secret]@db:5432/mlflow", false)]
    [InlineData("postgresql://mlflow:$(DB_PASSWORD)@db:5432/mlflow", false)]
    [InlineData("https://example.com/path", false)]
    public void Connection_strings_with_a_password_are_refused_anywhere(string value, bool refused)
    {
        var release = Item("kubernetes:helm.sh/v3:Release", "mlflow", "{\"namespace\":\"mlflow\",\"values\":{\"backendStore\":{\"uri\":\"" + value + "\"}}}");

        Assert.Equal(refused, SecretRules.NoPlaintextSecrets([release]).Any());
    }

    [Fact]
    public void Secrets_and_references_to_secrets_pass()
    {
        var release = Item("kubernetes:helm.sh/v3:Release", "grafana", """
            {"namespace":"monitoring","values":{"admin":{"existingSecret":"grafana-admin","password":"[secret]"},"auth":{"usersExistingSecret":"cache"}}}
            """);
        var external = Item("kubernetes:external-secrets.io/v1:ExternalSecret", "db", """
            {"metadata":{"name":"db","namespace":"mlflow"},"spec":{"data":[{"secretKey":"password","remoteRef":{"key":"prod/db"}}],
             "target":{"template":{"data":{"password":"{{ .password }}"}}}}}
            """);
        var cloud = Item("aws:rds/instance:Instance", "db", """{"password":"[secret]","manageMasterUserPassword":false}""");

        Assert.Empty(SecretRules.NoPlaintextSecrets([release, external, cloud]));
    }

    [Theory]
    [InlineData("password", true)]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("client-secret", true)]
    [InlineData("routing_key", true)]
    [InlineData("apiKey", true)]
    [InlineData("existingSecret", false)]
    [InlineData("secretKey", false)]
    [InlineData("passwordSecretName", false)]
    [InlineData("tokenUrl", false)]
    public void Secret_like_keys(string key, bool secret)
    {
        Assert.Equal(secret, SecretRules.IsSecretKey(key));
    }
}
