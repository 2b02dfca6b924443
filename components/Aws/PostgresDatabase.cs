using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using Pulumi;
using Pulumi.Aws.CloudWatch;
using Pulumi.Aws.Ec2;
using Pulumi.Aws.Kms;
using Pulumi.Aws.Rds;
using Pulumi.Aws.SecretsManager;
using Pulumi.Random;
using RdsInstance = Pulumi.Aws.Rds.Instance;
using RdsInstanceArgs = Pulumi.Aws.Rds.InstanceArgs;
using SecurityGroup = Pulumi.Aws.Ec2.SecurityGroup;
using SecurityGroupArgs = Pulumi.Aws.Ec2.SecurityGroupArgs;

namespace MlPlatform.Components.Aws;

/// <summary>Inputs of <see cref="PostgresDatabase"/>.</summary>
public sealed class PostgresDatabaseArgs
{
    /// <summary>The instance identifier (also the prefix of its security group and secret).</summary>
    public required string Identifier { get; init; }

    /// <summary>The VPC.</summary>
    public required Input<string> VpcId { get; init; }

    /// <summary>The private subnets of the DB subnet group.</summary>
    public required Output<ImmutableArray<string>> SubnetIds { get; init; }

    /// <summary>The security groups allowed to connect on 5432 (the cluster's); nothing else can.</summary>
    public required ImmutableArray<Input<string>> ClientSecurityGroupIds { get; init; }

    /// <summary>The database to create.</summary>
    public required string DatabaseName { get; init; }

    /// <summary>The master user.</summary>
    public required string Username { get; init; }

    /// <summary>The name of the Secrets Manager secret holding the connection (path-like, e.g. <c>cluster/mlflow/database</c>).</summary>
    public required string SecretName { get; init; }

    /// <summary>The instance class.</summary>
    public required string InstanceClass { get; init; }

    /// <summary>Initial storage (GiB); autoscaling may grow it to four times this.</summary>
    public required int AllocatedStorage { get; init; }

    /// <summary>Days of automated backups.</summary>
    public int BackupRetentionDays { get; init; } = 7;

    /// <summary>The PostgreSQL version.</summary>
    public required string EngineVersion { get; init; }

    /// <summary>A standby in a second zone (production).</summary>
    public bool MultiAz { get; init; }

    /// <summary>Refuse deletion at the RDS API (production); the Pulumi resource is protected either way.</summary>
    public bool DeletionProtection { get; init; }

    /// <summary>Retention of the exported PostgreSQL logs, in days.</summary>
    public int LogRetentionDays { get; init; } = 30;

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// RDS PostgreSQL for a platform service: encrypted with its own KMS key, private (DB subnet group in private
/// subnets, a security group open on 5432 to the cluster only), backed up, protected, with a generated password
/// stored in Secrets Manager (encrypted with the same key) and never in configuration.
/// </summary>
public sealed class PostgresDatabase : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:PostgresDatabase";

    /// <summary>The PostgreSQL port.</summary>
    public const int PostgresPort = 5432;

    /// <summary>Creates the database.</summary>
    public PostgresDatabase(string name, PostgresDatabaseArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var protectedChild = new CustomResourceOptions { Parent = this, Protect = true };

        var key = new Key($"{name}-key", new KeyArgs
        {
            Description = $"Storage and credentials of the database {args.Identifier}",
            EnableKeyRotation = true,
            DeletionWindowInDays = 30,
            Tags = AwsTags.Of(args.Tags),
        }, protectedChild);
        KmsKeyArn = key.Arn;

        var subnetGroup = new SubnetGroup($"{name}-subnets", new SubnetGroupArgs
        {
            Name = args.Identifier,
            Description = $"Private subnets of {args.Identifier}",
            SubnetIds = args.SubnetIds,
            Tags = AwsTags.Of(args.Tags),
        }, child);

        // No rules inline and none for egress: Pulumi removes AWS's default allow-all egress rule.
        var securityGroup = new SecurityGroup($"{name}-sg", new SecurityGroupArgs
        {
            Name = $"{args.Identifier}-postgres",
            Description = $"PostgreSQL {args.Identifier}: reachable from the cluster only",
            VpcId = args.VpcId,
            Tags = AwsTags.Named(args.Tags, $"{args.Identifier}-postgres"),
        }, child);
        SecurityGroupId = securityGroup.Id;
        for (var i = 0; i < args.ClientSecurityGroupIds.Length; i++)
        {
            _ = new SecurityGroupRule($"{name}-from-client-{i}", new SecurityGroupRuleArgs
            {
                Type = "ingress",
                SecurityGroupId = securityGroup.Id,
                SourceSecurityGroupId = args.ClientSecurityGroupIds[i],
                Protocol = "tcp",
                FromPort = PostgresPort,
                ToPort = PostgresPort,
                Description = "PostgreSQL from the cluster",
            }, child);
        }

        // RDS refuses '/', '@', '"' and spaces; the password also ends up in a connection URL (MLflow's backend
        // store), where '%' is decoded and '#', '?', ':' and brackets split it. URL-unreserved specials only: 40
        // characters of them and alphanumerics are still far over 200 bits.
        var password = new RandomPassword($"{name}-password", new RandomPasswordArgs
        {
            Length = 40,
            Special = true,
            OverrideSpecial = PasswordSpecials,
        }, child);
        Password = Output.CreateSecret(password.Result);

        // RDS would create the log groups of its exports without a retention (kept, and billed, forever).
        var logGroups = LogExports.Select(log => new LogGroup($"{name}-{log}", new LogGroupArgs
        {
            Name = $"/aws/rds/instance/{args.Identifier}/{log}",
            RetentionInDays = args.LogRetentionDays,
            Tags = AwsTags.Of(args.Tags),
        }, child)).ToList();

        var instance = new RdsInstance(name, new RdsInstanceArgs
        {
            Identifier = args.Identifier,
            Engine = "postgres",
            EngineVersion = args.EngineVersion,
            InstanceClass = args.InstanceClass,
            AllocatedStorage = args.AllocatedStorage,
            MaxAllocatedStorage = args.AllocatedStorage * 4,
            StorageType = "gp3",
            StorageEncrypted = true,
            KmsKeyId = key.Arn,
            DbName = args.DatabaseName,
            Username = args.Username,
            Password = Password,
            Port = PostgresPort,
            DbSubnetGroupName = subnetGroup.Name,
            VpcSecurityGroupIds = { securityGroup.Id },
            PubliclyAccessible = false,
            MultiAz = args.MultiAz,
            BackupRetentionPeriod = args.BackupRetentionDays,
            CopyTagsToSnapshot = true,
            DeletionProtection = args.DeletionProtection,
            SkipFinalSnapshot = false,
            FinalSnapshotIdentifier = $"{args.Identifier}-final",
            AutoMinorVersionUpgrade = true,
            AllowMajorVersionUpgrade = false,
            EnabledCloudwatchLogsExports = [.. LogExports],
            PerformanceInsightsEnabled = true,
            PerformanceInsightsKmsKeyId = key.Arn,
            Tags = AwsTags.Of(args.Tags),
        }, new CustomResourceOptions { Parent = this, Protect = true, DependsOn = [.. logGroups] });
        Address = instance.Address;
        Port = instance.Port;

        var secret = new Secret($"{name}-credentials", new SecretArgs
        {
            Name = args.SecretName,
            Description = $"Connection of the PostgreSQL database {args.Identifier}",
            KmsKeyId = key.Arn,
            RecoveryWindowInDays = 30,
            Tags = AwsTags.Of(args.Tags),
        }, protectedChild);
        SecretName = secret.Name;
        SecretArn = secret.Arn;
        _ = new SecretVersion($"{name}-credentials", new SecretVersionArgs
        {
            SecretId = secret.Id,
            SecretString = Output.Tuple(instance.Address, instance.Port, Password)
                .Apply(t => Output.CreateSecret(CredentialsJson(t.Item1, t.Item2, args.DatabaseName, args.Username, t.Item3))),
        }, child);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["address"] = Address,
            ["port"] = Port,
            ["secretName"] = SecretName,
        });
    }

    /// <summary>The special characters of the generated password: those that need no escaping in a URL.</summary>
    public const string PasswordSpecials = "-_.~";

    /// <summary>The PostgreSQL logs exported to CloudWatch.</summary>
    public static ImmutableArray<string> LogExports { get; } = ["postgresql", "upgrade"];

    /// <summary>The secret's JSON, in the shape of RDS-managed secrets (so tools that know those read it).</summary>
    public static string CredentialsJson(string host, int port, string database, string username, string password) =>
        DatabaseCredentials.Json(host, port, database, username, password);

    /// <summary>The endpoint host name.</summary>
    public Output<string> Address { get; }

    /// <summary>The port.</summary>
    public Output<int> Port { get; }

    /// <summary>The master password (a secret).</summary>
    public Output<string> Password { get; }

    /// <summary>The Secrets Manager secret's name.</summary>
    public Output<string> SecretName { get; }

    /// <summary>The Secrets Manager secret's ARN.</summary>
    public Output<string> SecretArn { get; }

    /// <summary>The key of the storage and the secret.</summary>
    public Output<string> KmsKeyArn { get; }

    /// <summary>The database's security group.</summary>
    public Output<string> SecurityGroupId { get; }
}
