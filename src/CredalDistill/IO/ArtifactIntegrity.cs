using System.Security.Cryptography;
using System.Text;

namespace CredalDistill.IO;

/// <summary>
/// The checksum and the optional signature of a calibration artifact file.
/// <para>
/// <b>Checksum.</b> <c>sha256</c> is the lowercase hexadecimal SHA-256 of the file's exact bytes in which the 64 characters
/// of the <c>sha256</c> value itself (between its quotes) are replaced by 64 ASCII <c>'0'</c> characters. The writer writes
/// the placeholder, hashes and patches the hash in place (same length, so nothing else moves); the reader reverses it. Any
/// edit of the file, including reformatting, invalidates it. It detects accidental corruption (truncation, bit rot, an
/// editor's reformatting), not deliberate tampering: anyone can recompute it after an edit.
/// </para>
/// <para>
/// <b>Signature.</b> <c>hmacSha256</c> is the HMAC-SHA256, under a secret key, of the file bytes with both the
/// <c>sha256</c> and the <c>hmacSha256</c> values replaced by 64 <c>'0'</c> characters (the checksum then covers the
/// signature). Compared in constant time.
/// </para>
/// </summary>
internal static class ArtifactIntegrity
{
    /// <summary>Hex characters of a SHA-256 or HMAC-SHA256 value.</summary>
    public const int HashLength = 64;

    /// <summary>The optional top-level field of a signed artifact.</summary>
    public const string SignatureField = "hmacSha256";

    /// <summary>
    /// Patches the signature (when <paramref name="signingKey"/> is given, at <paramref name="signatureOffset"/>) and then the
    /// checksum (at <paramref name="hashOffset"/>) into <paramref name="bytes"/>, whose values there are zero placeholders.
    /// </summary>
    /// <returns>The checksum.</returns>
    public static string Seal(byte[] bytes, int hashOffset, int signatureOffset, byte[]? signingKey)
    {
        if (signingKey is not null)
        {
            string signature = Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, bytes));
            Encoding.ASCII.GetBytes(signature, bytes.AsSpan(signatureOffset, HashLength));
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Encoding.ASCII.GetBytes(hash, bytes.AsSpan(hashOffset, HashLength));
        return hash;
    }

    /// <summary>Verifies the checksum and, with a key, the signature (which must then be present); returns the stored checksum.</summary>
    /// <exception cref="CalibrationArtifactException">A value is malformed or does not match.</exception>
    public static string Verify(byte[] bytes, int hashOffset, int signatureOffset, bool signaturePresent, byte[]? verificationKey, string path)
    {
        if (hashOffset < 0)
        {
            throw new CalibrationArtifactException(path, $"field 'sha256' must be a string of {HashLength} lowercase hexadecimal digits", null);
        }

        string stored = Encoding.ASCII.GetString(bytes, hashOffset, HashLength);
        var copy = (byte[])bytes.Clone();
        copy.AsSpan(hashOffset, HashLength).Fill((byte)'0');
        string actual = Convert.ToHexStringLower(SHA256.HashData(copy));
        if (!string.Equals(stored, actual, StringComparison.Ordinal))
        {
            throw new CalibrationArtifactException(path, "checksum mismatch: the sha256 checksum does not match the content (the file was corrupted or edited); re-run calibrate", null);
        }

        if (signaturePresent && signatureOffset < 0)
        {
            throw new CalibrationArtifactException(path, $"field '{SignatureField}' must be a string of {HashLength} lowercase hexadecimal digits", null);
        }

        if (verificationKey is not null)
        {
            if (signatureOffset < 0)
            {
                throw new CalibrationArtifactException(path, $"the artifact is not signed (no '{SignatureField}' field), but a signing key was given; re-run calibrate with the key", null);
            }

            copy.AsSpan(signatureOffset, HashLength).Fill((byte)'0');
            byte[] expected = HMACSHA256.HashData(verificationKey, copy);
            byte[] given = Convert.FromHexString(Encoding.ASCII.GetString(bytes, signatureOffset, HashLength));
            if (!CryptographicOperations.FixedTimeEquals(expected, given))
            {
                throw new CalibrationArtifactException(path, "signature mismatch: the artifact was not signed with this key, or it was modified and re-checksummed", null);
            }
        }

        return stored;
    }
}
