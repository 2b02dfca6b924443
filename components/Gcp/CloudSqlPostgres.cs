using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using Pulumi;
using Pulumi.Gcp.SecretManager;
using Pulumi.Gcp.SecretManager.Inputs;
using Pulumi.Gcp.Sql;
using Pulumi.Gcp.Sql.Inputs;
using Pulumi.Random;

namespace MlPlatform.Components.Gcp;

/// <summary>Inputs of <see cref="CloudSqlPostgres"/>.</summary>
public sealed class CloudSqlPostgresArgs
{
    /// <summary>The instance name (not reusable for a week after deletion).</summary>
    public required string InstanceName { get; init; }

    /// <summary>The project.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The region.</summary>
    public required string Region { get; init; }

    /// <summary>The VPC the private IP is in.</summary>
    public required Input<string> NetworkId { get; init; }

    /// <summary>The private services range the IP comes from.</summary>
    public required Input<string> AllocatedIpRange { get; init; }

    /// <summary>The private services peering: the instance needs it before it can get a private IP.</summary>
    public required Resource PrivateServicesConnection { get; init; }

    /// <summary>The database to create.</summary>
    public required string DatabaseName { get; init; }

    /// <summary>The user the application connects as.</summary>
    public required string Username { get; init; }

    /// <summary>The Secret Manager secret ID of the connection (host, port, database, user, password).</summary>
    public required string SecretId { get; init; }

    /// <summary>The members (<c>serviceAccount:...</c>) that may read that secret, and no other.</summary>
    public ImmutableArray<Input<string>> SecretAccessors { get; init; } = [];

    /// <summary>
    /// The Cloud KMS key the instance's disks, backups and logs are encrypted with (CMEK); the project's Cloud SQL
    /// service agent must hold the encrypter role on it first. Null for Google-managed keys. Fixed at creation: a
    /// change replaces the instance.
    /// </summary>
    public Input<string>? EncryptionKeyId { get; init; }

    /// <summary>The machine tier.</summary>
    public required string Tier { get; init; }

    /// <summary><c>ENTERPRISE</c> or <c>ENTERPRISE_PLUS</c> (it must match the tier).</summary>
    public string Edition { get; init; } = "ENTERPRISE";

    /// <summary>The database version, e.g. <c>POSTGRES_17</c>.</summary>
    public required string DatabaseVersion { get; init; }

    /// <summary>Initial disk size in GB; the disk grows automatically.</summary>
    public required int DiskSizeGb { get; init; }

    /// <summary>Daily backups kept.</summary>
    public int BackupRetentionDays { get; init; } = 7;

    /// <summary>Days of write-ahead log for point-in-time recovery.</summary>
    public int TransactionLogRetentionDays { get; init; } = 7;

    /// <summary>A standby in a second zone (<c>REGIONAL</c>, production).</summary>
    public bool HighAvailability { get; init; }

    /// <summary>Refuse deletion at the Cloud SQL API and in the provider (production); the Pulumi resource is protected either way.</summary>
    public bool DeletionProtection { get; init; }
}

/// <summary>
/// Cloud SQL for PostgreSQL for a platform service: a private IP only (no public IPv4) from the VPC's private
/// services range, TLS required, daily backups with point-in-time recovery (kept after the instance is deleted),
/// regional high availability and deletion protection where asked, its database and user, and a generated password
/// kept in a Secret Manager secret readable only by the given members, never in configuration.
/// </summary>
public sealed class CloudSqlPostgres : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:CloudSqlPostgres";

    /// <summary>The PostgreSQL port.</summary>
    public const int PostgresPort = 5432;

    /// <summary>The role of the secret's readers.</summary>
    public const string SecretAccessorRole = "roles/secretmanager.secretAccessor";

    /// <summary>
    /// The special characters of the generated password: it ends up in MLflow's connection URL, where '%' is
    /// decoded and '#', '?', ':', '@' and '/' split it; these four need no escaping.
    /// </summary>
    public const string PasswordSpecials = "-_.~";

    /// <summary>Creates the instance, database, user and secret.</summary>
    public CloudSqlPostgres(string name, CloudSqlPostgresArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };

        var instance = new DatabaseInstance(name, new DatabaseInstanceArgs
        {
            Name = args.InstanceName,
            Project = args.ProjectId,
            Region = args.Region,
            DatabaseVersion = args.DatabaseVersion,
            DeletionProtection = args.DeletionProtection,
            EncryptionKeyName = args.EncryptionKeyId,
            Settings = new DatabaseInstanceSettingsArgs
            {
                Tier = args.Tier,
                Edition = args.Edition,
                AvailabilityType = args.HighAvailability ? "REGIONAL" : "ZONAL",
                DiskType = "PD_SSD",
                DiskSize = args.DiskSizeGb,
                DiskAutoresize = true,
                DeletionProtectionEnabled = args.DeletionProtection,
                // Backups outlive the instance: deleting it by mistake is recoverable.
                RetainBackupsOnDelete = true,
                IpConfiguration = new DatabaseInstanceSettingsIpConfigurationArgs
                {
                    Ipv4Enabled = false,
                    PrivateNetwork = args.NetworkId,
                    AllocatedIpRange = args.AllocatedIpRange,
                    SslMode = "ENCRYPTED_ONLY",
                },
                BackupConfiguration = new DatabaseInstanceSettingsBackupConfigurationArgs
                {
                    Enabled = true,
                    PointInTimeRecoveryEnabled = true,
                    StartTime = "02:00",
                    TransactionLogRetentionDays = args.TransactionLogRetentionDays,
                    BackupRetentionSettings = new DatabaseInstanceSettingsBackupConfigurationBackupRetentionSettingsArgs
                    {
                        RetainedBackups = args.BackupRetentionDays,
                        RetentionUnit = "COUNT",
                    },
                },
                MaintenanceWindow = new DatabaseInstanceSettingsMaintenanceWindowArgs { Day = 7, Hour = 3, UpdateTrack = "stable" },
                InsightsConfig = new DatabaseInstanceSettingsInsightsConfigArgs { QueryInsightsEnabled = true, RecordClientAddress = false },
                DatabaseFlags =
                {
                    new DatabaseInstanceSettingsDatabaseFlagArgs { Name = "log_min_duration_statement", Value = "1000" },
                    new DatabaseInstanceSettingsDatabaseFlagArgs { Name = "log_connections", Value = "on" },
                },
            },
        }, new CustomResourceOptions { Parent = this, Protect = true, DependsOn = { args.PrivateServicesConnection } });
        InstanceName = instance.Name;
        ConnectionName = instance.ConnectionName;
        PrivateIp = instance.PrivateIpAddress;

        // Deleting this resource drops the database and every run and model in it.
        _ = new Database($"{name}-database", new DatabaseArgs
        {
            Name = args.DatabaseName,
            Project = args.ProjectId,
            Instance = instance.Name,
        }, new CustomResourceOptions { Parent = this, Protect = true });

        var password = new RandomPassword($"{name}-password", new RandomPasswordArgs
        {
            Length = 40,
            Special = true,
            OverrideSpecial = PasswordSpecials,
        }, child);
        Password = Output.CreateSecret(password.Result);

        _ = new User($"{name}-user", new UserArgs
        {
            Name = args.Username,
            Project = args.ProjectId,
            Instance = instance.Name,
            Password = Password,
            // PostgreSQL refuses to drop a role that owns objects: on destroy the user stays with the instance.
            DeletionPolicy = "ABANDON",
        }, child);

        var secret = new Secret($"{name}-credentials", new SecretArgs
        {
            SecretId = args.SecretId,
            Project = args.ProjectId,
            // The data stays in the region of the cluster and the database.
            Replication = new SecretReplicationArgs
            {
                UserManaged = new SecretReplicationUserManagedArgs
                {
                    Replicas = { new SecretReplicationUserManagedReplicaArgs { Location = args.Region } },
                },
            },
            DeletionProtection = args.DeletionProtection,
        }, new CustomResourceOptions { Parent = this, Protect = true });
        SecretId = secret.SecretId;
        SecretName = secret.Name;
        _ = new SecretVersion($"{name}-credentials", new SecretVersionArgs
        {
            Secret = secret.Id,
            SecretData = Output.Tuple(instance.PrivateIpAddress, Password)
                .Apply(t => Output.CreateSecret(DatabaseCredentials.Json(t.Item1, PostgresPort, args.DatabaseName, args.Username, t.Item2))),
        }, child);

        SecretGrants = [.. args.SecretAccessors.Select((member, i) => (Resource)new SecretIamMember($"{name}-credentials-reader-{i}", new SecretIamMemberArgs
        {
            Project = args.ProjectId,
            SecretId = secret.SecretId,
            Role = SecretAccessorRole,
            Member = member,
        }, child))];

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["instance"] = InstanceName,
            ["connectionName"] = ConnectionName,
            ["privateIp"] = PrivateIp,
            ["secretId"] = SecretId,
        });
    }

    /// <summary>The instance name.</summary>
    public Output<string> InstanceName { get; }

    /// <summary>The connection name (<c>project:region:instance</c>) of the Cloud SQL connectors.</summary>
    public Output<string> ConnectionName { get; }

    /// <summary>The private IP address.</summary>
    public Output<string> PrivateIp { get; }

    /// <summary>The password (a secret).</summary>
    public Output<string> Password { get; }

    /// <summary>The secret's ID (the name external-secrets reads).</summary>
    public Output<string> SecretId { get; }

    /// <summary>The secret's resource name (<c>projects/&lt;number&gt;/secrets/&lt;id&gt;</c>).</summary>
    public Output<string> SecretName { get; }

    /// <summary>The accessor grants.</summary>
    public ImmutableArray<Resource> SecretGrants { get; }
}
