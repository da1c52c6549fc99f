using CredalDistill.IO;

namespace CredalDistill.Cli.Services;

/// <summary>Reads the secret key of <c>--sign-key FILE</c>: the file's raw bytes, at least <see cref="CalibrationArtifact.MinimumKeyLength"/> of them.</summary>
public static class SigningKey
{
    /// <summary>The key bytes of <paramref name="path"/>, or null when no key file was given.</summary>
    /// <exception cref="DataFormatException">The key file is shorter than the minimum length.</exception>
    public static byte[]? Read(string? path)
    {
        if (path is null)
        {
            return null;
        }

        byte[] key = File.ReadAllBytes(path);
        if (key.Length < CalibrationArtifact.MinimumKeyLength)
        {
            throw new DataFormatException(path, $"signing key of {key.Length} bytes; at least {CalibrationArtifact.MinimumKeyLength} are required (e.g. head -c 32 /dev/urandom > key.bin)");
        }

        return key;
    }
}
