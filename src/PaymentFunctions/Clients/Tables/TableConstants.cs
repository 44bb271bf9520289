namespace PaymentFunctions.Clients.Tables;

internal static class TableConstants
{
    public const string PartitionKey = "PartitionKey";
    public const string RowKey = "RowKey";
    public const string Timestamp = "Timestamp";
    public const string JsonAccept = "application/json;odata=minimalmetadata";
    public const string JsonContentType = "application/json";
    public const string ODataType = "@odata.type";

    // Documented service limits ("Understanding the Table service data model", "Performing entity group transactions").
    public const int MaxKeyBytes = 1024;
    public const int MaxCustomProperties = 252;
    public const int MaxPropertyNameLength = 255;
    public const int MaxValueBytes = 64 * 1024;
    public const int MaxEntityBytes = 1024 * 1024;
    public const int MaxBatchOperations = 100;
    public const int MaxBatchBytes = 4 * 1024 * 1024;
}
