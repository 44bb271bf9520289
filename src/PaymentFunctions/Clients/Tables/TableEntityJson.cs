using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Azure;

namespace PaymentFunctions.Clients.Tables;

/// <summary>
/// Entity JSON in the OData minimal-metadata format. Types JSON cannot carry unambiguously get an
/// "@odata.type" annotation: Int64 travels as a string (JSON numbers lose precision past 2^53),
/// Double is annotated so 2.0 comes back as a double rather than an Int32.
/// </summary>
internal static class TableEntityJson
{
    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static byte[] Serialize(TableEntity entity)
    {
        TableValidation.ValidateEntity(entity);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in entity)
            {
                WriteProperty(writer, name, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                // The service stores no nulls; leaving the property out is what it would do anyway.
                return;
            case string s:
                writer.WriteString(name, s);
                return;
            case int i:
                writer.WriteNumber(name, i);
                return;
            case long l:
                writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                writer.WriteString(name + TableConstants.ODataType, "Edm.Int64");
                return;
            case double d:
                WriteDouble(writer, name, d);
                writer.WriteString(name + TableConstants.ODataType, "Edm.Double");
                return;
            case bool b:
                writer.WriteBoolean(name, b);
                return;
            case DateTimeOffset dto:
                WriteDate(writer, name, dto.UtcDateTime);
                return;
            case DateTime dt:
                WriteDate(writer, name, dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt);
                return;
            case Guid g:
                writer.WriteString(name, g.ToString("D"));
                writer.WriteString(name + TableConstants.ODataType, "Edm.Guid");
                return;
            case byte[] bytes:
                writer.WriteBase64String(name, bytes);
                writer.WriteString(name + TableConstants.ODataType, "Edm.Binary");
                return;
            case BinaryData data:
                writer.WriteBase64String(name, data.ToMemory().Span);
                writer.WriteString(name + TableConstants.ODataType, "Edm.Binary");
                return;
            default:
                // Validation rejects these first; this guards the switch staying in sync with it.
                throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.");
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, string name, double d)
    {
        if (double.IsNaN(d))
        {
            writer.WriteString(name, "NaN");
        }
        else if (double.IsPositiveInfinity(d))
        {
            writer.WriteString(name, "Infinity");
        }
        else if (double.IsNegativeInfinity(d))
        {
            writer.WriteString(name, "-Infinity");
        }
        else
        {
            writer.WriteNumber(name, d);
        }
    }

    private static void WriteDate(Utf8JsonWriter writer, string name, DateTime utc)
    {
        writer.WriteString(name, utc.ToString(DateFormat, CultureInfo.InvariantCulture));
        writer.WriteString(name + TableConstants.ODataType, "Edm.DateTime");
    }

    public static TableEntity Deserialize(JsonElement json)
    {
        var entity = new TableEntity();
        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            if (name.StartsWith("odata.", StringComparison.Ordinal))
            {
                if (name == "odata.etag" && property.Value.ValueKind == JsonValueKind.String)
                {
                    entity.ETag = new ETag(property.Value.GetString()!);
                }

                continue;
            }

            if (name.Contains('@', StringComparison.Ordinal))
            {
                continue;
            }

            var type = json.TryGetProperty(name + TableConstants.ODataType, out var t) ? t.GetString() : null;
            if (name == TableConstants.Timestamp)
            {
                // Minimal metadata leaves Timestamp unannotated: its type is fixed by the service.
                entity.Timestamp = (DateTimeOffset?)ReadValue(property.Value, "Edm.DateTime");
                continue;
            }

            var value = ReadValue(property.Value, type);

            entity[name] = value;
        }

        return entity;
    }

    private static object? ReadValue(JsonElement value, string? edmType) => edmType switch
    {
        "Edm.Int64" => value.ValueKind == JsonValueKind.String
            ? long.Parse(value.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : value.GetInt64(),
        "Edm.Double" => ReadDouble(value),
        "Edm.DateTime" => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        "Edm.Guid" => Guid.Parse(value.GetString()!),
        "Edm.Binary" => value.GetBytesFromBase64(),
        _ => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            JsonValueKind.Number when value.TryGetInt32(out var i) => i,
            JsonValueKind.Number => value.GetDouble(),
            _ => value.GetRawText(),
        },
    };

    private static double ReadDouble(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        return value.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" or "INF" => double.PositiveInfinity,
            "-Infinity" or "-INF" => double.NegativeInfinity,
            var s => double.Parse(s!, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }
}
