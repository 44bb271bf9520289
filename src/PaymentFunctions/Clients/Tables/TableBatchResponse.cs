using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Azure;

namespace PaymentFunctions.Clients.Tables;

/// <summary>
/// Reads a $batch answer. The service says 202 even when the changeset failed, so the truth is in the
/// multipart body: one HTTP response per action on success, or a single error response on failure.
/// Which action failed is in the error message as "N:..." (Azure, zero-based) and/or in the part's
/// Content-ID (Azurite echoes ours, one-based); both are read.
/// </summary>
internal static partial class TableBatchResponse
{
    internal sealed record Part(int Status, string? ReasonPhrase, Dictionary<string, string> Headers, string Body);

    public static List<Part> Parse(string? contentType, ReadOnlyMemory<byte> body)
    {
        var boundary = Boundary(contentType) ?? throw new RequestFailedException(202, "The $batch answer has no multipart boundary.");
        var parts = new List<Part>();
        Collect(Encoding.UTF8.GetString(body.Span), boundary, parts);
        return parts;
    }

    public static TableTransactionResult ToResult(List<Part> parts, List<TableTransactionAction> actions)
    {
        var failed = parts.FirstOrDefault(p => p.Status is < 200 or >= 300);
        if (failed is null)
        {
            if (parts.Count != actions.Count)
            {
                throw new RequestFailedException(202, $"The $batch answer has {parts.Count} responses for {actions.Count} actions.");
            }

            var etags = new ETag[actions.Count];
            for (var i = 0; i < parts.Count; i++)
            {
                var index = ContentId(parts[i]) is { } id && id >= 1 && id <= actions.Count ? id - 1 : i;
                etags[index] = actions[index].ActionType == TableTransactionActionType.Delete || !parts[i].Headers.TryGetValue("ETag", out var etag)
                    ? default
                    : new ETag(etag);
            }

            return new TableTransactionResult(etags);
        }

        var (code, message) = TableErrors.Parse(Encoding.UTF8.GetBytes(failed.Body));
        var failedIndex = IndexFromMessage(message, actions.Count) ?? IndexFromContentId(failed, actions.Count);
        if (TableErrors.OutcomeFor(failed.Status) is null)
        {
            var where = failedIndex is { } i ? $"action {i} of a transaction" : "a transaction action";
            throw TableErrors.Exception(failed.Status, failed.ReasonPhrase, code, message, where);
        }

        return new TableTransactionResult(failedIndex, failed.Status, code, message);
    }

    private static int? IndexFromMessage(string? message, int count)
    {
        var match = message is null ? null : FailedIndexPattern().Match(message);
        return match is { Success: true } && int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var index) && index < count ? index : null;
    }

    private static int? IndexFromContentId(Part part, int count) =>
        ContentId(part) is { } id && id >= 1 && id <= count ? id - 1 : null;

    private static int? ContentId(Part part) =>
        part.Headers.TryGetValue("Content-ID", out var value) && int.TryParse(value, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static void Collect(string body, string boundary, List<Part> parts)
    {
        var delimiter = "--" + boundary;
        foreach (var raw in body.Split(delimiter))
        {
            if (raw.StartsWith("--", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(raw))
            {
                continue; // preamble or the closing delimiter
            }

            var (mimeHeaders, content) = SplitHeaders(raw.TrimStart('\r', '\n'));
            mimeHeaders.TryGetValue("Content-Type", out var partType);
            if (partType?.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase) == true && Boundary(partType) is { } inner)
            {
                Collect(content, inner, parts);
            }
            else if (partType?.StartsWith("application/http", StringComparison.OrdinalIgnoreCase) == true)
            {
                parts.Add(ParseHttpResponse(content));
            }
        }
    }

    private static Part ParseHttpResponse(string text)
    {
        var lineEnd = text.IndexOf('\n', StringComparison.Ordinal);
        var statusLine = (lineEnd < 0 ? text : text[..lineEnd]).TrimEnd('\r').Split(' ', 3);
        if (statusLine.Length < 2 || !int.TryParse(statusLine[1], CultureInfo.InvariantCulture, out var status))
        {
            throw new RequestFailedException(202, "The $batch answer holds a part without an HTTP status line.");
        }

        var (headers, body) = SplitHeaders(lineEnd < 0 ? string.Empty : text[(lineEnd + 1)..]);
        return new Part(status, statusLine.Length > 2 ? statusLine[2] : null, headers, body.TrimEnd('\r', '\n'));
    }

    private static (Dictionary<string, string> Headers, string Body) SplitHeaders(string text)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var position = 0;
        while (position < text.Length)
        {
            var end = text.IndexOf('\n', position);
            var line = (end < 0 ? text[position..] : text[position..end]).TrimEnd('\r');
            position = end < 0 ? text.Length : end + 1;
            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return (headers, text[position..]);
    }

    private static string? Boundary(string? contentType)
    {
        var match = contentType is null ? null : BoundaryPattern().Match(contentType);
        return match is { Success: true } ? match.Groups[1].Value.Trim('"') : null;
    }

    [GeneratedRegex(@"boundary=(""[^""]+""|[^;\s]+)", RegexOptions.IgnoreCase)]
    private static partial Regex BoundaryPattern();

    [GeneratedRegex(@"^\s*(\d+)\s*:")]
    private static partial Regex FailedIndexPattern();
}
