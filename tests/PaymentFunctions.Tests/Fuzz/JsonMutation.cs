using System.Text.Json.Nodes;
using CsCheck;

namespace PaymentFunctions.Tests.Fuzz;

/// One change to a JSON document: a value replaced by raw JSON text, a member removed, or a member's key written
/// twice. Paths are member names from the root ("data", "object", "currency"); raw values travel as placeholders
/// through JsonNode and are spliced into the text afterwards, so they can be what JsonNode cannot hold.
public abstract record JsonMutation
{
    public sealed record Replace(string[] Path, string Raw) : JsonMutation
    {
        public override string ToString() => $"{string.Join('.', Path)} = {FuzzAnswers.Shorten(Raw)}";
    }

    public sealed record Remove(string[] Path) : JsonMutation
    {
        public override string ToString() => $"remove {string.Join('.', Path)}";
    }

    public sealed record DuplicateKey(string[] Path, string Raw) : JsonMutation
    {
        public override string ToString() => $"duplicate {string.Join('.', Path)} = {FuzzAnswers.Shorten(Raw)}";
    }

    /// Applies the mutations in order to a copy of the document and writes it as text.
    public static string Apply(JsonObject document, IEnumerable<JsonMutation> mutations)
    {
        var copy = (JsonObject)document.DeepClone();
        var splices = new List<(string Placeholder, string Raw)>();
        string Placeholder(string raw)
        {
            var placeholder = $"@@raw{splices.Count}@@";
            splices.Add(($"\"{placeholder}\"", raw));
            return placeholder;
        }

        foreach (var mutation in mutations)
        {
            if (Parent(copy, mutation switch { Replace s => s.Path, Remove r => r.Path, DuplicateKey d => d.Path, _ => [] }) is not var (parent, key))
            {
                continue;
            }

            switch (mutation)
            {
                case Replace set:
                    parent[key] = Placeholder(set.Raw);
                    break;
                case Remove:
                    parent.Remove(key);
                    break;
                case DuplicateKey duplicate when parent.ContainsKey(key):
                    // A second member under another name, renamed to the same key once written.
                    parent[Placeholder(HostileValues.Literal(key))] = Placeholder(duplicate.Raw);
                    break;
            }
        }

        var text = copy.ToJsonString();
        foreach (var (placeholder, raw) in splices)
        {
            text = text.Replace(placeholder, raw, StringComparison.Ordinal);
        }

        return text;
    }

    /// Every path to a member of the document (objects only; arrays are replaced whole).
    public static IReadOnlyList<string[]> Paths(JsonObject document)
    {
        var paths = new List<string[]>();
        void Walk(JsonObject node, string[] prefix)
        {
            foreach (var (key, value) in node)
            {
                string[] path = [.. prefix, key];
                paths.Add(path);
                if (value is JsonObject child)
                {
                    Walk(child, path);
                }
            }
        }

        Walk(document, []);
        return paths;
    }

    /// A mutation of any member of the document, or (weighted) of one of the members that matter most.
    public static Gen<JsonMutation> Of(JsonObject document, IReadOnlyList<string[]> focus, Func<string[], Gen<string>> valueFor)
    {
        var all = Paths(document);
        var path = Gen.Frequency((2, Gen.Int[0, focus.Count - 1].Select(i => focus[i])), (1, Gen.Int[0, all.Count - 1].Select(i => all[i])));
        return Gen.Frequency(
            (6, path.SelectMany(p => valueFor(p).Select(raw => (JsonMutation)new Replace(p, raw)))),
            (2, path.Select(p => (JsonMutation)new Remove(p))),
            (1, path.SelectMany(p => valueFor(p).Select(raw => (JsonMutation)new DuplicateKey(p, raw)))));
    }

    private static (JsonObject Parent, string Key)? Parent(JsonObject root, string[] path)
    {
        JsonObject node = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (node[path[i]] is not JsonObject child)
            {
                return null;
            }

            node = child;
        }

        return path.Length == 0 ? null : (node, path[^1]);
    }
}
