using System.Text;

namespace PaymentFunctions.Clients.Tables;

public sealed partial class TableClient
{
    // OData key literal: quotes doubled, then percent-encoded so unicode, spaces and quotes survive the URL.
    internal string EntityPath(string partitionKey, string rowKey)
    {
        TableValidation.ValidateKey(partitionKey, nameof(partitionKey));
        TableValidation.ValidateKey(rowKey, nameof(rowKey));
        return $"{Escape(Name)}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";
    }

    private static string EscapeKey(string key) => Escape(key.Replace("'", "''", StringComparison.Ordinal));

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static (string, string)[] SelectQuery(IEnumerable<string>? select)
    {
        var joined = JoinSelect(select);
        return joined is null ? [] : [("$select", joined)];
    }

    private static string? JoinSelect(IEnumerable<string>? select)
    {
        if (select is null)
        {
            return null;
        }

        var builder = new StringBuilder();
        foreach (var name in select)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(name);
        }

        return builder.Length == 0 ? null : builder.ToString();
    }
}
