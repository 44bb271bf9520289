using System.Security.Cryptography;
using System.Text;

namespace PaymentFunctions.Clients.Tables;

/// <summary>A storage account name and key for Shared Key authorization. The key never leaves this object.</summary>
public sealed class TableSharedKeyCredential
{
    private readonly byte[] _key;

    /// <summary>Creates the credential.</summary>
    /// <param name="accountName">The storage account name.</param>
    /// <param name="accountKey">The base64 account key.</param>
    /// <exception cref="ArgumentException">The key is not base64.</exception>
    public TableSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        AccountName = accountName;
        try
        {
            _key = Convert.FromBase64String(accountKey);
        }
        catch (FormatException)
        {
            // Deliberately no inner exception or value: the key must not reach a log.
            throw new ArgumentException("The storage account key is not valid base64.", nameof(accountKey));
        }
    }

    /// <summary>The storage account name.</summary>
    public string AccountName { get; }

    /// <summary>Returns the account name only, so the credential can be logged by accident without harm.</summary>
    public override string ToString() => $"TableSharedKeyCredential({AccountName})";

    internal string Sign(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));
}
