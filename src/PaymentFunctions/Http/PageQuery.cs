using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Http;

/// ?pageSize= (1 to 200, 50 unless given) and ?cursor= (the "next" of the page before) of a list route: a list
/// answers one page per call and reads no more than it answers.
public sealed record PageQuery(int PageSize, string? Cursor)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// Null and the page asked for, or the 400 naming the parameter (any parameter given twice included).
    public static ValidationProblem? Read(HttpRequest request, out PageQuery page)
    {
        page = new PageQuery(DefaultPageSize, null);
        if (Repeated(request) is { } repeated)
        {
            return repeated;
        }

        var size = Value(request, "pageSize");
        var pageSize = DefaultPageSize;
        if (size is not null && (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            return JsonBody.Invalid("pageSize", $"pageSize must be a whole number from 1 to {MaxPageSize}.");
        }

        var cursor = Value(request, "cursor");
        if (cursor is not null && (cursor.Length > TablePages.MaxCursorLength || !cursor.All(c => c is >= ' ' and <= '~')))
        {
            return CursorRefused();
        }

        page = new PageQuery(pageSize, cursor);
        return null;
    }

    /// The first query parameter given more than once, as a 400: which of two values was meant is not guessed.
    public static ValidationProblem? Repeated(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query.FirstOrDefault(parameter => parameter.Value.Count > 1).Key is { } name
            ? JsonBody.Invalid(name, $"{name} may be given once.")
            : null;
    }

    /// A query parameter's value, null when absent (after <see cref="Repeated"/>, it is there at most once).
    public static string? Value(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query[name] is [var value] ? value : null;
    }

    /// The page, or the 400 for a cursor the store refused (null page).
    public static Results<Ok<ListPage<T>>, ValidationProblem> Answer<T>(ListPage<T>? page) =>
        page is null ? CursorRefused() : TypedResults.Ok(page);

    public static ValidationProblem CursorRefused() =>
        JsonBody.Invalid("cursor", "cursor is not one this API handed out (the \"next\" of an earlier page); list again without it.");
}
