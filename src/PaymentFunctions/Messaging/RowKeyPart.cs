using System.Security.Cryptography;
using System.Text;

namespace PaymentFunctions.Messaging;

public static class RowKeyPart
{
    /// Message ids are chosen by senders; table keys may not contain / \ # ? or control characters, must stay
    /// short, and '|' separates the parts of our own row keys. Ids that are not safe are replaced by their SHA-256.
    public static string Safe(string id) =>
        id.Length <= 200 && !id.Any(c => c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c))
            ? id
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}
