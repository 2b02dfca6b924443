using MlPlatform.Stacks.Aws;
using MlPlatform.Stacks.Azure;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Existing;
using MlPlatform.Stacks.Gcp;
using Pulumi;

namespace MlPlatform.Stacks;

/// <summary>
/// The Pulumi program: reads and validates the stack configuration, then deploys the stack of its cloud.
/// Used as is by the Pulumi CLI (<c>pulumi up</c>) and by the offline plan (the mock engine).
/// </summary>
public static class PlatformProgram
{
    /// <summary>Runs the program inside a Pulumi deployment and returns the stack outputs.</summary>
    /// <exception cref="ConfigValidationException">Before any resource is registered, when the configuration is invalid.</exception>
    public static IDictionary<string, object?> Run()
    {
        var pulumiConfig = new Config(ConfigReader.Namespace);
        var kubeconfig = pulumiConfig.GetSecret("kubeconfig");
        // The whole stack configuration, so that a mistyped mlplatform: key is an error rather than silently ignored.
        var config = ConfigReader.Read(pulumiConfig.Get, EngineConfiguration.Keys(), hasKubeconfigSecret: kubeconfig is not null,
            secretKeys: EngineConfiguration.SecretKeys());

        return config.Cloud switch
        {
            CloudKind.Existing => ExistingClusterStack.Deploy(config, kubeconfig),
            CloudKind.Aws => AwsStack.Deploy(config),
            CloudKind.Azure => AzureStack.Deploy(config),
            CloudKind.Gcp => GcpStack.Deploy(config),
            _ => throw new ConfigValidationException(
                [new ConfigProblem(ConfigReader.Key("cloud"), $"the '{ConfigReader.Lower(config.Cloud)}' stack is not available in this version")]),
        };
    }
}
