using System.Text.Json.Nodes;

namespace MlPlatform.Components.Addons;

/// <summary>
/// The JSON of a cloud secret that holds a PostgreSQL connection, in the shape of RDS-managed secrets (so tools that
/// know those read it): external-secrets copies its <c>password</c> property into MLflow's database Secret.
/// </summary>
public static class DatabaseCredentials
{
    /// <summary>The secret's JSON.</summary>
    public static string Json(string host, int port, string database, string username, string password) =>
        new JsonObject
        {
            ["engine"] = "postgres",
            ["host"] = host,
            ["port"] = port,
            ["dbname"] = database,
            ["username"] = username,
            ["password"] = password,
        }.ToJsonString();
}
